-- A user logged in through OpenID Connect is bound to the provider's issuer and subject
-- ("<iss> <sub>"), so another identity claiming the same user name cannot log in as them.
-- '' for local users.
ALTER TABLE users ADD COLUMN subject TEXT NOT NULL DEFAULT '';
