package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
)

// teamName is the pattern of team names (as self-service checks them).
var teamName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$`)

// OIDC is login through an OpenID Connect provider (authorization code flow with PKCE),
// alongside local users. Presence of issuer turns it on.
type OIDC struct {
	Issuer           string `yaml:"issuer"`
	ClientID         string `yaml:"client_id"`
	ClientSecretEnv  string `yaml:"client_secret_env"`
	ClientSecretFile string `yaml:"client_secret_file"`
	ClientSecret     Secret `yaml:"-"`
	// RedirectURL is Gregor's callback as the browser reaches it:
	// https://gregor.example.com/api/v1/auth/oidc/callback (registered at the provider).
	RedirectURL   string   `yaml:"redirect_url"`
	Scopes        []string `yaml:"scopes"`         // default openid, profile, email, groups
	UsernameClaim string   `yaml:"username_claim"` // default preferred_username (then email, then sub)
	GroupsClaim   string   `yaml:"groups_claim"`   // default groups
	// Roles and Teams map the provider's groups: a role (admin, operator, viewer) or a team
	// -> the groups that give it. The highest role matched wins; none matched: DefaultRole.
	Roles       map[string][]string `yaml:"roles"`
	Teams       map[string][]string `yaml:"teams"`
	DefaultRole string              `yaml:"default_role"` // default viewer
	Name        string              `yaml:"name"`         // the login button's provider name, default "SSO"
}

// Enabled reports whether OIDC login is configured.
func (o *OIDC) Enabled() bool { return o.Issuer != "" }

// SetDefaults fills what is not given (Load does it).
func (o *OIDC) SetDefaults() {
	if !o.Enabled() {
		return
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{"openid", "profile", "email", "groups"}
	}
	if o.UsernameClaim == "" {
		o.UsernameClaim = "preferred_username"
	}
	if o.GroupsClaim == "" {
		o.GroupsClaim = "groups"
	}
	if o.DefaultRole == "" {
		o.DefaultRole = "viewer"
	}
	if o.Name == "" {
		o.Name = "SSO"
	}
}

func (o *OIDC) validate() []error {
	if !o.Enabled() {
		return nil
	}
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fieldError{"oidc." + field, fmt.Sprintf(format, args...)})
	}
	if u, err := url.Parse(o.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		bad("issuer", "%q is not an http(s) URL", o.Issuer)
	}
	if o.ClientID == "" {
		bad("client_id", "required")
	}
	if o.ClientSecretEnv != "" && o.ClientSecretFile != "" {
		bad("client_secret_env", "give client_secret_env or client_secret_file, not both")
	}
	if u, err := url.Parse(o.RedirectURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		bad("redirect_url", "required: Gregor's callback URL as the browser reaches it, e.g. https://gregor.example.com/api/v1/auth/oidc/callback")
	}
	if !slices.Contains(o.Scopes, "openid") {
		bad("scopes", "must include openid")
	}
	roles := []string{"viewer", "operator", "admin"}
	if !slices.Contains(roles, o.DefaultRole) {
		bad("default_role", "%q is not one of viewer, operator, admin", o.DefaultRole)
	}
	for r, groups := range o.Roles {
		if !slices.Contains(roles, r) {
			bad("roles", "%q is not one of viewer, operator, admin", r)
		}
		if len(groups) == 0 {
			bad("roles."+r, "list the provider's groups that give it")
		}
	}
	for t, groups := range o.Teams {
		if !teamName.MatchString(t) {
			bad("teams", "team %q: 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit", t)
		}
		if len(groups) == 0 {
			bad("teams."+t, "list the provider's groups that give it")
		}
	}
	return errs
}
