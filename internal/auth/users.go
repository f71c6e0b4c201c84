package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/store"
)

// Password length limits: bcrypt reads at most 72 bytes.
const (
	minPassword = 8  // characters
	maxPassword = 72 // bytes
)

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9._@-]{1,64}$`)

func checkName(name string) error {
	if !namePattern.MatchString(name) {
		return errorf(BadRequest, "user name must be 1-64 characters of a-z, A-Z, 0-9, '.', '_', '@' and '-'")
	}
	return nil
}

func checkRole(r store.Role) error {
	if ranks[r] == 0 {
		return errorf(BadRequest, "role must be viewer, operator or admin")
	}
	return nil
}

func (s *Service) hashPassword(password string) ([]byte, error) {
	switch {
	case utf8.RuneCountInString(password) < minPassword:
		return nil, errorf(BadRequest, "password must be at least %d characters", minPassword)
	case len(password) > maxPassword:
		return nil, errorf(BadRequest, "password must be at most %d bytes", maxPassword)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.o.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// CreateUser creates a user.
func (s *Service) CreateUser(ctx context.Context, name, password string, role store.Role) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := checkRole(role); err != nil {
		return err
	}
	h, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	err = s.users.CreateUser(ctx, store.User{Name: name, Role: role, PasswordHash: h, CreatedAt: s.o.Now()})
	if errors.Is(err, store.ErrExists) {
		return errorf(Conflict, "user %q already exists", name)
	}
	if err != nil {
		return fmt.Errorf("auth: create user: %w", err)
	}
	return nil
}

func (s *Service) getUser(ctx context.Context, name string) (store.User, error) {
	u, err := s.users.GetUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return u, errorf(NotFound, "user %q not found", name)
	}
	if err != nil {
		return u, fmt.Errorf("auth: get user: %w", err)
	}
	return u, nil
}

func (s *Service) updateUser(ctx context.Context, u store.User) error {
	err := s.users.UpdateUser(ctx, u)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(NotFound, "user %q not found", u.Name)
	}
	if err != nil {
		return fmt.Errorf("auth: update user: %w", err)
	}
	return nil
}

// SetPassword sets a user's password. Existing sessions and tokens stay valid.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	return s.UpdateUser(ctx, name, &password, nil)
}

// SetRole sets a user's role; the last admin cannot be demoted.
func (s *Service) SetRole(ctx context.Context, name string, role store.Role) error {
	return s.UpdateUser(ctx, name, nil, &role)
}

// UpdateUser changes a user's password and/or role (nil: unchanged) in one write, after
// checking both, so a bad role never leaves a changed password behind.
func (s *Service) UpdateUser(ctx context.Context, name string, password *string, role *store.Role) error {
	var hash []byte
	if role != nil {
		if err := checkRole(*role); err != nil {
			return err
		}
	}
	if password != nil {
		var err error
		if hash, err = s.hashPassword(*password); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.getUser(ctx, name)
	if err != nil {
		return err
	}
	if role != nil {
		if u.Role == store.RoleAdmin && *role != store.RoleAdmin {
			if err := s.keepAnAdmin(ctx, "demote"); err != nil {
				return err
			}
		}
		u.Role = *role
	}
	if hash != nil {
		u.PasswordHash = hash
	}
	return s.updateUser(ctx, u)
}

// DeleteUser deletes a user and their API tokens; the last admin cannot be deleted. The
// user's sessions are not deleted but stop working (see principal).
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.getUser(ctx, name)
	if err != nil {
		return err
	}
	if u.Role == store.RoleAdmin {
		if err := s.keepAnAdmin(ctx, "delete"); err != nil {
			return err
		}
	}
	tokens, err := s.users.ListTokens(ctx, name)
	if err != nil {
		return fmt.Errorf("auth: list tokens: %w", err)
	}
	for _, t := range tokens {
		if err := s.users.DeleteToken(ctx, t.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("auth: delete token: %w", err)
		}
	}
	err = s.users.DeleteUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(NotFound, "user %q not found", name)
	}
	if err != nil {
		return fmt.Errorf("auth: delete user: %w", err)
	}
	return nil
}

// keepAnAdmin fails unless there are at least two admins, so one may go.
func (s *Service) keepAnAdmin(ctx context.Context, verb string) error {
	users, err := s.users.ListUsers(ctx)
	if err != nil {
		return fmt.Errorf("auth: list users: %w", err)
	}
	admins := 0
	for _, u := range users {
		if u.Role == store.RoleAdmin {
			admins++
		}
	}
	if admins < 2 {
		return errorf(Conflict, "cannot %s the last admin", verb)
	}
	return nil
}

// ListUsers returns all users, without their password hashes.
func (s *Service) ListUsers(ctx context.Context) ([]store.User, error) {
	users, err := s.users.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	for i := range users {
		users[i].PasswordHash = nil
	}
	return users, nil
}

// verify returns the user if password is theirs. An unknown user costs a bcrypt comparison
// too, so the response time does not tell which user names exist, and the message is the
// same.
func (s *Service) verify(ctx context.Context, name, password string) (store.User, error) {
	u, err := s.users.GetUser(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.User{}, fmt.Errorf("auth: get user: %w", err)
	}
	hash := u.PasswordHash
	if err != nil {
		hash = s.dummy()
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		return store.User{}, errorf(Unauthorized, "invalid user name or password")
	}
	return u, nil
}
