package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

func bearer(f fixture, token string) (*Principal, error) {
	return f.s.Authenticate(f.request(http.MethodGet, "Bearer "+token, "", ""))
}

func TestTokenCreateAndUse(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	plain, tok, err := f.s.CreateToken(ctx, "operator", "  ci pipeline ", 0)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(plain, "gregor_"))
	if !strings.HasPrefix(plain, "gregor_") || err != nil || len(raw) < 32 {
		t.Fatalf("token %q: want gregor_ and >= 32 base64url bytes", plain)
	}
	if tok.Hash != nil || tok.User != "operator" || tok.Name != "ci pipeline" || tok.ID == "" || !tok.ExpiresAt.IsZero() {
		t.Fatalf("token = %+v", tok)
	}
	h := sha256.Sum256([]byte(plain))
	stored, err := f.m.GetTokenByHash(ctx, h[:])
	if err != nil || stored.ID != tok.ID {
		t.Fatalf("token not stored under its SHA-256: %v", err)
	}

	p, err := bearer(f, plain)
	if err != nil || *p != (Principal{User: "operator", Role: store.RoleOperator, Method: "token"}) {
		t.Fatalf("principal %+v, %v", p, err)
	}
	if p, err := f.s.Authenticate(f.request(http.MethodGet, "bearer   "+plain, "", "")); err != nil || p.User != "operator" {
		t.Fatalf("lower-case scheme: %+v, %v", p, err)
	}

	// ttl 0 never expires.
	f.clock.Advance(10 * 365 * 24 * time.Hour)
	if _, err := bearer(f, plain); err != nil {
		t.Fatalf("after ten years: %v", err)
	}

	list, err := f.s.ListTokens(ctx, "operator")
	if err != nil || len(list) != 1 || list[0].ID != tok.ID || list[0].Hash != nil {
		t.Fatalf("ListTokens = %+v, %v", list, err)
	}
}

func TestTokenExpiry(t *testing.T) {
	f := newTest(t)
	plain, tok, err := f.s.CreateToken(context.Background(), "viewer", "grafana", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("ExpiresAt = %v", tok.ExpiresAt)
	}
	f.clock.Advance(time.Hour - time.Second)
	if _, err := bearer(f, plain); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err = bearer(f, plain)
	wantErr(t, err, Unauthorized, "invalid or expired token")
}

func TestTokenInvalid(t *testing.T) {
	f := newTest(t)
	plain := f.token(t, "viewer")
	for _, v := range []string{"", "gregor_", "gregor_nope", plain + "x", strings.TrimPrefix(plain, "gregor_"), strings.ToUpper(plain)} {
		_, err := bearer(f, v)
		wantErr(t, err, Unauthorized, "invalid or expired token")
	}
}

func TestTokenCreateValidation(t *testing.T) {
	f := newTest(t)
	tests := []struct {
		name, user, tokenName string
		ttl                   time.Duration
		want                  Kind
	}{
		{"ok", "viewer", "x", time.Minute, 0},
		{"empty name", "viewer", "  ", 0, BadRequest},
		{"long name", "viewer", strings.Repeat("n", 65), 0, BadRequest},
		{"control character", "viewer", "a\nb", 0, BadRequest},
		{"negative ttl", "viewer", "x", -time.Second, BadRequest},
		{"unknown user", "nobody", "x", 0, NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := f.s.CreateToken(context.Background(), tt.user, tt.tokenName, tt.ttl)
			if kindOf(err) != tt.want || (tt.want == 0 && err != nil) {
				t.Fatalf("err = %v, want kind %d", err, tt.want)
			}
		})
	}
}

func TestTokenDelete(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	newToken := func(user string) (string, string) {
		plain, tok, err := f.s.CreateToken(ctx, user, "t", 0)
		if err != nil {
			t.Fatal(err)
		}
		return plain, tok.ID
	}
	vPlain, vID := newToken("viewer")
	oPlain, oID := newToken("operator")
	_, aID := newToken("admin")

	// Not their own: reported as not found, and nothing is deleted.
	wantErr(t, f.s.DeleteToken(ctx, "viewer", oID), NotFound, "")
	wantErr(t, f.s.DeleteToken(ctx, "operator", aID), NotFound, "")
	wantErr(t, f.s.DeleteToken(ctx, "viewer", "no-such-id"), NotFound, "")
	wantErr(t, f.s.DeleteToken(ctx, "nobody", vID), NotFound, "")
	if _, err := bearer(f, oPlain); err != nil {
		t.Fatalf("operator's token after refused deletion: %v", err)
	}

	if err := f.s.DeleteToken(ctx, "viewer", vID); err != nil {
		t.Fatalf("own token: %v", err)
	}
	_, err := bearer(f, vPlain)
	wantErr(t, err, Unauthorized, "invalid or expired token")

	if err := f.s.DeleteToken(ctx, "admin", oID); err != nil {
		t.Fatalf("admin deleting another's token: %v", err)
	}
	_, err = bearer(f, oPlain)
	wantErr(t, err, Unauthorized, "invalid or expired token")
	wantErr(t, f.s.DeleteToken(ctx, "admin", oID), NotFound, "")
}

func TestTokensOfDeletedUser(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	plain := f.token(t, "viewer")
	if err := f.s.DeleteUser(ctx, "viewer"); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.m.ListTokens(ctx, "viewer"); len(list) != 0 {
		t.Fatalf("tokens left: %+v", list)
	}
	if err := f.s.CreateUser(ctx, "viewer", "new-viewer-pass", store.RoleViewer); err != nil {
		t.Fatal(err)
	}
	_, err := bearer(f, plain)
	wantErr(t, err, Unauthorized, "invalid or expired token")
}
