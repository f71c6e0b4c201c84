package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gregor-kafka/gregor/internal/store"
)

// tokenPrefix starts every API token, so a leaked one is recognisable (secret scanners).
const tokenPrefix = "gregor_"

// CreateToken creates an API token for user; ttl 0 means it never expires. It returns the
// plaintext token, which is shown once and never stored (only its SHA-256 is), and the
// stored token without its hash.
func (s *Service) CreateToken(ctx context.Context, user, name string, ttl time.Duration) (string, store.Token, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 64 || strings.ContainsFunc(name, unicode.IsControl) {
		return "", store.Token{}, errorf(BadRequest, "token name must be 1-64 characters, no control characters")
	}
	if ttl < 0 {
		return "", store.Token{}, errorf(BadRequest, "token lifetime must not be negative")
	}
	if _, err := s.getUser(ctx, user); err != nil {
		return "", store.Token{}, err
	}
	plaintext := tokenPrefix + randomString()
	now := s.o.Now()
	t := store.Token{ID: rand.Text(), User: user, Name: name, Hash: digest(plaintext), CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	if err := s.users.CreateToken(ctx, t); err != nil {
		return "", store.Token{}, fmt.Errorf("auth: create token: %w", err)
	}
	t.Hash = nil
	return plaintext, t, nil
}

// ListTokens returns user's API tokens, without their hashes.
func (s *Service) ListTokens(ctx context.Context, user string) ([]store.Token, error) {
	tokens, err := s.users.ListTokens(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	for i := range tokens {
		tokens[i].Hash = nil
	}
	return tokens, nil
}

// DeleteToken deletes token id on behalf of user: one of their own, or any if user is an
// admin. Another user's token is reported as not found, so its ID is not confirmed.
func (s *Service) DeleteToken(ctx context.Context, user, id string) error {
	notFound := errorf(NotFound, "token %q not found", id)
	u, err := s.getUser(ctx, user)
	if err != nil {
		return err
	}
	if u.Role != store.RoleAdmin {
		own, err := s.users.ListTokens(ctx, user)
		if err != nil {
			return fmt.Errorf("auth: list tokens: %w", err)
		}
		if !slices.ContainsFunc(own, func(t store.Token) bool { return t.ID == id }) {
			return notFound
		}
	}
	err = s.users.DeleteToken(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return fmt.Errorf("auth: delete token: %w", err)
	}
	return nil
}

// fromToken authenticates a bearer token. The lookup is by SHA-256, so its timing tells an
// attacker nothing about stored tokens.
func (s *Service) fromToken(ctx context.Context, plaintext string) (*Principal, error) {
	invalid := errorf(Unauthorized, "invalid or expired token")
	if !strings.HasPrefix(plaintext, tokenPrefix) {
		return nil, invalid
	}
	t, err := s.users.GetTokenByHash(ctx, digest(plaintext))
	if errors.Is(err, store.ErrNotFound) {
		return nil, invalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: get token: %w", err)
	}
	if !t.ExpiresAt.IsZero() && !s.o.Now().Before(t.ExpiresAt) {
		return nil, invalid
	}
	return s.principal(ctx, t.User, t.CreatedAt, "token", invalid)
}
