package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/store"
)

// OIDC logs users in through an OpenID Connect provider: the authorization code flow with
// PKCE, state and nonce. The provider's discovery document is read on first use (and again
// after a failure), so Gregor starts while the provider is down.
type OIDC struct {
	cfg    config.OIDC
	svc    *Service
	client *http.Client

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
	failedAt time.Time // of the last failed discovery
}

// Identity is who the provider says logged in, mapped onto Gregor's role and teams.
type Identity struct {
	User   string
	Role   store.Role
	Teams  []string // the teams of config oidc.teams whose groups they are in
	Groups []string
}

// oidcCookie carries state, nonce and PKCE verifier from the login redirect to the callback.
const oidcCookie = "gregor_oidc"

// NewOIDC builds the login of cfg (which must be enabled). client may be nil.
func (s *Service) NewOIDC(cfg config.OIDC, client *http.Client) *OIDC {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &OIDC{cfg: cfg, svc: s, client: client}
}

// Name is the provider's name for the login button.
func (o *OIDC) Name() string { return o.cfg.Name }

func (o *OIDC) setup(ctx context.Context) (*oidc.IDTokenVerifier, *oauth2.Config, error) {
	o.mu.Lock()
	v, oc, failed := o.verifier, o.oauth, o.failedAt
	o.mu.Unlock()
	if v != nil {
		return v, oc, nil
	}
	if !failed.IsZero() && time.Since(failed) < oidcRetry {
		return nil, nil, errorf(Unavailable, "the login provider %s could not be reached a moment ago; try again in a few seconds", o.cfg.Issuer)
	}
	// Fetched outside the lock: a provider that hangs holds up no other login for long.
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), o.cfg.Issuer)
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		o.failedAt = time.Now()
		return nil, nil, errorf(Unavailable, "the login provider %s cannot be reached: %v", o.cfg.Issuer, err)
	}
	if o.verifier == nil {
		o.verifier = p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID})
		o.oauth = &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret.Reveal(), RedirectURL: o.cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: o.cfg.Scopes}
	}
	return o.verifier, o.oauth, nil
}

// oidcRetry is how long a failed discovery of the provider is not tried again.
const oidcRetry = 5 * time.Second

// Start begins a login: the provider's URL to redirect the browser to, and the cookie that
// holds what the callback checks (HttpOnly, 10 minutes).
func (o *OIDC) Start(ctx context.Context) (string, *http.Cookie, error) {
	_, oc, err := o.setup(ctx)
	if err != nil {
		return "", nil, err
	}
	state, nonce, verifier := randomString(), randomString(), oauth2.GenerateVerifier()
	u := oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	c := &http.Cookie{Name: oidcCookie, Value: state + "." + nonce + "." + verifier, Path: "/", MaxAge: 600,
		HttpOnly: true, Secure: o.svc.o.SecureCookies, SameSite: http.SameSiteLaxMode}
	return u, c, nil
}

// ClearCookie deletes the login cookie.
func (o *OIDC) ClearCookie() *http.Cookie {
	return &http.Cookie{Name: oidcCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: o.svc.o.SecureCookies, SameSite: http.SameSiteLaxMode}
}

// Finish checks the callback (state against the cookie, the code exchanged with PKCE, the ID
// token's signature, issuer, audience, expiry and nonce), maps the identity, creates or
// updates the user and starts a session.
func (o *OIDC) Finish(r *http.Request) (id *Identity, cookie, csrf string, err error) {
	ctx := r.Context()
	q := r.URL.Query()
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return nil, "", "", errorf(BadRequest, "no login in progress (the login cookie is missing or expired); start again")
	}
	var state, nonce, verifier string
	if parts := strings.SplitN(c.Value, ".", 3); len(parts) == 3 {
		state, nonce, verifier = parts[0], parts[1], parts[2]
	}
	if state == "" || q.Get("state") != state {
		return nil, "", "", errorf(BadRequest, "the login's state does not match; start again")
	}
	if e := q.Get("error"); e != "" {
		// Only the error code, and only of the login under way: the description is the
		// provider's (or anyone's) free text.
		return nil, "", "", errorf(Unauthorized, "the login provider refused the login (%s)", errorCode(e))
	}
	v, oc, err := o.setup(ctx)
	if err != nil {
		return nil, "", "", err
	}
	tok, err := oc.Exchange(oidc.ClientContext(ctx, o.client), q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, "", "", errorf(Unauthorized, "exchanging the login code failed: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", "", errorf(Unauthorized, "the login provider sent no ID token")
	}
	idt, err := v.Verify(oidc.ClientContext(ctx, o.client), raw)
	if err != nil {
		return nil, "", "", errorf(Unauthorized, "the ID token is not valid: %v", err)
	}
	if idt.Nonce != nonce {
		return nil, "", "", errorf(Unauthorized, "the ID token's nonce does not match this login")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, "", "", errorf(Unauthorized, "reading the ID token's claims: %v", err)
	}
	id, err = o.identity(claims)
	if err != nil {
		return nil, "", "", err
	}
	if err := o.svc.externalUser(ctx, id.User, idt.Issuer+" "+idt.Subject, id.Role); err != nil {
		return nil, "", "", err
	}
	cookie, csrf, err = o.svc.startSession(ctx, id.User)
	return id, cookie, csrf, err
}

// identity maps claims: the user name from username_claim (else email, else sub), the groups
// from groups_claim (a list or one string), the highest role whose groups match (else the
// default role), and the teams whose groups match.
func (o *OIDC) identity(claims map[string]any) (*Identity, error) {
	id := &Identity{}
	for _, k := range []string{o.cfg.UsernameClaim, "email", "sub"} {
		if k == "email" && claims["email_verified"] != true {
			continue // an address the provider did not verify names no one
		}
		if v, ok := claims[k].(string); ok && v != "" {
			id.User = v
			break
		}
	}
	if err := checkName(id.User); err != nil {
		return nil, errorf(Unauthorized, "the login provider's user name %q cannot be a Gregor user name (1-64 of a-z, A-Z, 0-9, '.', '_', '@', '-'); set oidc.username_claim", id.User)
	}
	switch g := claims[o.cfg.GroupsClaim].(type) {
	case string:
		id.Groups = []string{g}
	case []any:
		for _, x := range g {
			if s, ok := x.(string); ok {
				id.Groups = append(id.Groups, s)
			}
		}
	}
	in := func(groups []string) bool {
		return slices.ContainsFunc(groups, func(g string) bool { return slices.Contains(id.Groups, g) })
	}
	id.Role = store.Role(o.cfg.DefaultRole)
	for _, r := range []store.Role{store.RoleAdmin, store.RoleOperator, store.RoleViewer} {
		if in(o.cfg.Roles[string(r)]) {
			id.Role = r // the highest role matched
			break
		}
	}
	for team, groups := range o.cfg.Teams {
		if in(groups) {
			id.Teams = append(id.Teams, team)
		}
	}
	slices.Sort(id.Teams)
	return id, nil
}

// ManagedTeams are the teams the provider's groups decide (config oidc.teams).
func (o *OIDC) ManagedTeams() []string {
	var ts []string
	for t := range o.cfg.Teams {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// externalUser creates a user logged in by the provider, or updates their role. Such users
// have no password (they cannot log in with one) and are bound to the provider's issuer and
// subject: a local user with a password, or a provider user of another subject, of the same
// name is refused, so no identity can take another's account over. Demoting the last admin
// is refused like anywhere else.
func (s *Service) externalUser(ctx context.Context, name, subject string, role store.Role) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.users.GetUser(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		err = s.users.CreateUser(ctx, store.User{Name: name, Role: role, CreatedAt: s.o.Now(), Subject: subject})
		if errors.Is(err, store.ErrExists) {
			return errorf(Conflict, "user %q was created meanwhile; log in again", name)
		}
		if err != nil {
			return fmt.Errorf("auth: create user: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("auth: get user: %w", err)
	case len(u.PasswordHash) > 0:
		return errorf(Conflict, "a local user named %q exists; the provider's user of that name cannot log in as them (rename one)", name)
	case u.Subject != "" && u.Subject != subject:
		return errorf(Conflict, "user %q belongs to another identity at the login provider; ask an admin", name)
	case u.Role == role && u.Subject == subject:
		return nil
	}
	if u.Role == store.RoleAdmin && role != store.RoleAdmin {
		if err := s.keepAnAdmin(ctx, "demote"); err != nil {
			return errorf(Conflict, "the login provider no longer makes %q an admin, but Gregor has no other admin: make another admin first", name)
		}
	}
	u.Role, u.Subject = role, subject
	if err := s.users.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	return nil
}

// errorCode keeps an OAuth error code's characters (a-z, 0-9, _), at most 64.
func errorCode(e string) string {
	b := make([]byte, 0, len(e))
	for i := 0; i < len(e) && len(b) < 64; i++ {
		if c := e[i]; c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b = append(b, c)
		}
	}
	return string(b)
}
