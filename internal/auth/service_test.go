package auth

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/gregor-kafka/gregor/internal/store"
)

func TestBootstrap(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name         string
		existing     string // password of an existing "admin"; "" for none
		password     string
		demo         bool
		wantErr      string // substring
		wantGen      bool
		wantPassword string // the password "admin" has afterwards
	}{
		{name: "env password", password: "from-the-env", wantPassword: "from-the-env"},
		{name: "env password wins over demo", password: "from-the-env", demo: true, wantPassword: "from-the-env"},
		{name: "demo generates", demo: true, wantGen: true},
		{name: "refuses without password", wantErr: "GREGOR_ADMIN_PASSWORD must be set"},
		{name: "short env password", password: "short", wantErr: "at least 8 characters"},
		{name: "admin exists, env password ignored", existing: "the-old-one", password: "from-the-env", wantPassword: "the-old-one"},
		{name: "admin exists, demo", existing: "the-old-one", demo: true, wantPassword: "the-old-one"},
		{name: "admin exists, no password needed", existing: "the-old-one", wantPassword: "the-old-one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(newMemStore(), Options{BcryptCost: bcrypt.MinCost})
			if tt.existing != "" {
				if err := s.CreateUser(ctx, "admin", tt.existing, store.RoleAdmin); err != nil {
					t.Fatal(err)
				}
			}
			gen, err := s.Bootstrap(ctx, tt.password, tt.demo)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if tt.password != "" && strings.Contains(err.Error(), tt.password) {
					t.Fatalf("error %q contains the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantPassword
			if tt.wantGen {
				if len(gen) < 20 {
					t.Fatalf("generated password %q is shorter than 20", gen)
				}
				want = gen
			} else if gen != "" {
				t.Fatalf("generated = %q, want none", gen)
			}
			if _, _, err := s.Login(ctx, "admin", want); err != nil {
				t.Fatalf("login with %q: %v", want, err)
			}
			u, _ := s.users.GetUser(ctx, "admin")
			if u.Role != store.RoleAdmin {
				t.Fatalf("role = %s", u.Role)
			}
		})
	}
}

func TestBootstrapOtherAdmin(t *testing.T) {
	// Once "admin" is deleted in favour of another admin, restarts do not bring it back.
	f := newTest(t)
	ctx := context.Background()
	if err := f.s.CreateUser(ctx, "alice", "alice-pass-1", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteUser(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	if gen, err := f.s.Bootstrap(ctx, "", false); err != nil || gen != "" {
		t.Fatalf("Bootstrap = %q, %v", gen, err)
	}
	if _, err := f.m.GetUser(ctx, "admin"); err == nil {
		t.Fatal("admin was recreated")
	}
}

func TestBootstrapDemoRandom(t *testing.T) {
	a, _ := New(newMemStore(), Options{BcryptCost: bcrypt.MinCost}).Bootstrap(context.Background(), "", true)
	b, _ := New(newMemStore(), Options{BcryptCost: bcrypt.MinCost}).Bootstrap(context.Background(), "", true)
	if a == b {
		t.Fatalf("two generated passwords are equal: %q", a)
	}
}

func TestAllows(t *testing.T) {
	tests := []struct {
		have, need store.Role
		want       bool
	}{
		{store.RoleViewer, store.RoleViewer, true},
		{store.RoleViewer, store.RoleOperator, false},
		{store.RoleViewer, store.RoleAdmin, false},
		{store.RoleOperator, store.RoleViewer, true},
		{store.RoleOperator, store.RoleOperator, true},
		{store.RoleOperator, store.RoleAdmin, false},
		{store.RoleAdmin, store.RoleViewer, true},
		{store.RoleAdmin, store.RoleOperator, true},
		{store.RoleAdmin, store.RoleAdmin, true},
		{"root", store.RoleViewer, false},
		{"", store.RoleViewer, false},
		{store.RoleAdmin, "root", false},
	}
	for _, tt := range tests {
		if got := Allows(tt.have, tt.need); got != tt.want {
			t.Errorf("Allows(%q, %q) = %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

func TestCreateUserValidation(t *testing.T) {
	f := newTest(t)
	tests := []struct {
		name, user, password string
		role                 store.Role
		want                 Kind
	}{
		{"ok", "bob.smith@example-1_x", "password", store.RoleViewer, 0},
		{"empty name", "", "password", store.RoleViewer, BadRequest},
		{"long name", strings.Repeat("a", 65), "password", store.RoleViewer, BadRequest},
		{"64 chars", strings.Repeat("b", 64), "password", store.RoleViewer, 0},
		{"space in name", "bob smith", "password", store.RoleViewer, BadRequest},
		{"slash in name", "bob/smith", "password", store.RoleViewer, BadRequest},
		{"unknown role", "carol", "password", "root", BadRequest},
		{"short password", "dave", "1234567", store.RoleViewer, BadRequest},
		{"8 multibyte chars", "erin", "ééééééé€", store.RoleViewer, 0},
		{"73 byte password", "frank", strings.Repeat("x", 73), store.RoleViewer, BadRequest},
		{"exists", "operator", "password", store.RoleViewer, Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.s.CreateUser(context.Background(), tt.user, tt.password, tt.role)
			if tt.want == 0 && err != nil || kindOf(err) != tt.want {
				t.Fatalf("err = %v, want kind %d", err, tt.want)
			}
		})
	}
}

func TestUserManagement(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()

	if err := f.s.SetPassword(ctx, "viewer", "a-new-password"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.s.Login(ctx, "viewer", "a-new-password"); err != nil {
		t.Fatalf("login with new password: %v", err)
	}
	if _, _, err := f.s.Login(ctx, "viewer", passwords[store.RoleViewer]); kindOf(err) != Unauthorized {
		t.Fatalf("login with old password: %v", err)
	}
	wantErr(t, f.s.SetPassword(ctx, "nobody", "a-new-password"), NotFound, "")
	wantErr(t, f.s.SetPassword(ctx, "viewer", "short"), BadRequest, "")

	if err := f.s.SetRole(ctx, "viewer", store.RoleOperator); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.s.SetRole(ctx, "viewer", "root"), BadRequest, "")
	wantErr(t, f.s.SetRole(ctx, "nobody", store.RoleViewer), NotFound, "")

	users, err := f.s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]store.Role{}
	for _, u := range users {
		if u.PasswordHash != nil {
			t.Errorf("ListUsers returned the password hash of %s", u.Name)
		}
		roles[u.Name] = u.Role
	}
	if len(users) != 3 || roles["viewer"] != store.RoleOperator {
		t.Fatalf("users = %v", roles)
	}

	wantErr(t, f.s.DeleteUser(ctx, "nobody"), NotFound, "")
	if err := f.s.DeleteUser(ctx, "viewer"); err != nil {
		t.Fatal(err)
	}
}

func TestLastAdmin(t *testing.T) {
	f := newTest(t)
	ctx := context.Background()
	wantErr(t, f.s.DeleteUser(ctx, "admin"), Conflict, "cannot delete the last admin")
	wantErr(t, f.s.SetRole(ctx, "admin", store.RoleOperator), Conflict, "cannot demote the last admin")

	if err := f.s.SetRole(ctx, "operator", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := f.s.SetRole(ctx, "admin", store.RoleViewer); err != nil {
		t.Fatal(err)
	}
	wantErr(t, f.s.DeleteUser(ctx, "operator"), Conflict, "cannot delete the last admin")
	if err := f.s.DeleteUser(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
}

func TestLastAdminConcurrent(t *testing.T) {
	// Two admins deleting each other at once must leave one.
	f := newTest(t)
	ctx := context.Background()
	if err := f.s.SetRole(ctx, "operator", store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, name := range []string{"admin", "operator"} {
		go func() { errs <- f.s.DeleteUser(ctx, name) }()
	}
	e1, e2 := <-errs, <-errs
	if (e1 == nil) == (e2 == nil) {
		t.Fatalf("errors %v and %v: want exactly one deletion", e1, e2)
	}
}
