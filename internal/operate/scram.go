package operate

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// SCRAM limits: Kafka accepts 4096 to 16384 iterations; Gregor asks for passwords of at
// least MinPasswordLen characters.
const (
	DefaultIterations = 8192
	MinIterations     = 4096
	MaxIterations     = 16384
	MinPasswordLen    = 8
)

// SCRAMCredential is one mechanism a user has a password for (never the password or salt).
type SCRAMCredential struct {
	Mechanism  string `json:"mechanism"` // SCRAM-SHA-256 or SCRAM-SHA-512
	Iterations int32  `json:"iterations"`
}

// SCRAMUser is a user with SCRAM credentials.
type SCRAMUser struct {
	Name        string            `json:"name"`
	Credentials []SCRAMCredential `json:"credentials"`
}

// SCRAMRequest creates a user or changes their password. Password is a secret: callers
// keep it out of logs and the audit log (Redacted).
type SCRAMRequest struct {
	Name       string `json:"name"`
	Mechanism  string `json:"mechanism"`
	Password   string `json:"password"`
	Iterations int32  `json:"iterations,omitempty"`
}

// Redacted is r with the password replaced, for logs and the audit log.
func (r SCRAMRequest) Redacted() SCRAMRequest {
	if r.Password != "" {
		r.Password = "[redacted]"
	}
	return r
}

// SCRAMPlan is what a SCRAM change does; it never holds a password.
type SCRAMPlan struct {
	Action      string            `json:"action"` // create, update, delete
	Name        string            `json:"name"`
	Credentials []SCRAMCredential `json:"credentials"` // the credentials created, updated or deleted
	DryRun      bool              `json:"dry_run"`
	Applied     bool              `json:"applied"`
}

func scramMech(s string) (kadm.ScramMechanism, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "SCRAM-SHA-256":
		return kadm.ScramSha256, nil
	case "SCRAM-SHA-512":
		return kadm.ScramSha512, nil
	}
	return 0, Errorf(Invalid, "mechanism %q is not SCRAM-SHA-256 or SCRAM-SHA-512", s)
}

func validSCRAMName(name string) error {
	if strings.TrimSpace(name) == "" {
		return Errorf(Invalid, "a user name is required")
	}
	if len(name) > 255 {
		return Errorf(Invalid, "the user name is longer than 255 characters")
	}
	return nil
}

// check validates r and fills in its defaults.
func (r *SCRAMRequest) check() (kadm.ScramMechanism, error) {
	if err := validSCRAMName(r.Name); err != nil {
		return 0, err
	}
	m, err := scramMech(r.Mechanism)
	if err != nil {
		return 0, err
	}
	r.Mechanism = m.String()
	if len([]rune(r.Password)) < MinPasswordLen {
		return 0, Errorf(Invalid, "the password must be at least %d characters long", MinPasswordLen)
	}
	if r.Iterations == 0 {
		r.Iterations = DefaultIterations
	}
	if r.Iterations < MinIterations || r.Iterations > MaxIterations {
		return 0, Errorf(Invalid, "iterations must be between %d and %d", MinIterations, MaxIterations)
	}
	return m, nil
}

// ListSCRAMUsers lists the users with SCRAM credentials (mechanisms and iterations only),
// sorted by name.
func ListSCRAMUsers(ctx context.Context, adm *kadm.Client) ([]SCRAMUser, error) {
	ds, err := adm.DescribeUserSCRAMs(ctx)
	if err != nil {
		return nil, Explain("listing SCRAM users", err)
	}
	out := []SCRAMUser{}
	for _, d := range ds.Sorted() {
		if d.Err != nil {
			return nil, Explain("listing SCRAM users", d.Err)
		}
		out = append(out, scramView(d))
	}
	return out, nil
}

func scramView(d kadm.DescribedUserSCRAM) SCRAMUser {
	u := SCRAMUser{Name: d.User, Credentials: []SCRAMCredential{}}
	for _, c := range d.CredInfos {
		u.Credentials = append(u.Credentials, SCRAMCredential{Mechanism: c.Mechanism.String(), Iterations: c.Iterations})
	}
	sort.Slice(u.Credentials, func(i, j int) bool { return u.Credentials[i].Mechanism < u.Credentials[j].Mechanism })
	return u
}

// GetSCRAMUser is one user's credentials; a NotFound *Error when they have none.
func GetSCRAMUser(ctx context.Context, adm *kadm.Client, name string) (SCRAMUser, error) {
	if err := validSCRAMName(name); err != nil {
		return SCRAMUser{}, err
	}
	ds, err := adm.DescribeUserSCRAMs(ctx, name)
	if err != nil {
		return SCRAMUser{}, Explain("describing the SCRAM user", err)
	}
	d, ok := ds[name]
	if !ok || errors.Is(d.Err, kerr.ResourceNotFound) || (d.Err == nil && len(d.CredInfos) == 0) {
		return SCRAMUser{}, Errorf(NotFound, "no SCRAM user named %q", name)
	}
	if d.Err != nil {
		return SCRAMUser{}, Explain("describing the SCRAM user", d.Err)
	}
	return scramView(d), nil
}

// Credential returns the user's credential of a mechanism.
func (u SCRAMUser) Credential(mech string) (SCRAMCredential, bool) {
	for _, c := range u.Credentials {
		if c.Mechanism == mech {
			return c, true
		}
	}
	return SCRAMCredential{}, false
}

// CreateSCRAMUser gives a user a password for a mechanism; a Conflict if they have one for
// it already (change it with UpdateSCRAMUser).
func CreateSCRAMUser(ctx context.Context, adm *kadm.Client, r SCRAMRequest, dryRun bool) (*SCRAMPlan, error) {
	m, err := r.check()
	if err != nil {
		return nil, err
	}
	u, err := GetSCRAMUser(ctx, adm, r.Name)
	var oe *Error
	if err != nil && !(errors.As(err, &oe) && oe.Kind == NotFound) {
		return nil, err
	}
	if _, ok := u.Credential(r.Mechanism); ok {
		return nil, Errorf(Conflict, "SCRAM user %q already has a %s password; change it instead", r.Name, r.Mechanism)
	}
	plan := &SCRAMPlan{Action: "create", Name: r.Name, DryRun: dryRun,
		Credentials: []SCRAMCredential{{Mechanism: r.Mechanism, Iterations: r.Iterations}}}
	if dryRun {
		return plan, nil
	}
	if err := scramUpsert(ctx, adm, r, m); err != nil {
		return nil, err
	}
	plan.Applied = true
	return plan, nil
}

// UpdateSCRAMUser changes the password of an existing user's mechanism, keeping its
// iterations unless r sets them; a NotFound if the user has no password for it.
func UpdateSCRAMUser(ctx context.Context, adm *kadm.Client, r SCRAMRequest, dryRun bool) (*SCRAMPlan, error) {
	keep := r.Iterations == 0
	m, err := r.check()
	if err != nil {
		return nil, err
	}
	u, err := GetSCRAMUser(ctx, adm, r.Name)
	if err != nil {
		return nil, err
	}
	c, ok := u.Credential(r.Mechanism)
	if !ok {
		return nil, Errorf(NotFound, "SCRAM user %q has no %s password", r.Name, r.Mechanism)
	}
	if keep {
		r.Iterations = c.Iterations
	}
	plan := &SCRAMPlan{Action: "update", Name: r.Name, DryRun: dryRun,
		Credentials: []SCRAMCredential{{Mechanism: r.Mechanism, Iterations: r.Iterations}}}
	if dryRun {
		return plan, nil
	}
	if err := scramUpsert(ctx, adm, r, m); err != nil {
		return nil, err
	}
	plan.Applied = true
	return plan, nil
}

func scramUpsert(ctx context.Context, adm *kadm.Client, r SCRAMRequest, m kadm.ScramMechanism) error {
	res, err := adm.AlterUserSCRAMs(ctx, nil, []kadm.UpsertSCRAM{{User: r.Name, Mechanism: m, Iterations: r.Iterations, Password: r.Password}})
	if err != nil {
		return Explain("setting the SCRAM password", err)
	}
	return Explain("setting the SCRAM password", res.Error())
}

// DeleteSCRAMUser deletes a user's password for mechanism, or for every mechanism they have
// when mechanism is empty; a NotFound if there is nothing to delete.
func DeleteSCRAMUser(ctx context.Context, adm *kadm.Client, name, mech string, dryRun bool) (*SCRAMPlan, error) {
	u, err := GetSCRAMUser(ctx, adm, name)
	if err != nil {
		return nil, err
	}
	plan := &SCRAMPlan{Action: "delete", Name: name, DryRun: dryRun}
	if mech != "" {
		m, err := scramMech(mech)
		if err != nil {
			return nil, err
		}
		c, ok := u.Credential(m.String())
		if !ok {
			return nil, Errorf(NotFound, "SCRAM user %q has no %s password", name, m.String())
		}
		plan.Credentials = []SCRAMCredential{c}
	} else {
		plan.Credentials = u.Credentials
	}
	if dryRun {
		return plan, nil
	}
	// One request per mechanism: Kafka refuses a user named twice in one request. Deleting
	// every mechanism, one already gone (the broker that described the user had not yet seen
	// a recent delete) is skipped.
	var deleted []SCRAMCredential
	for _, c := range plan.Credentials {
		m, _ := scramMech(c.Mechanism)
		res, err := adm.AlterUserSCRAMs(ctx, []kadm.DeleteSCRAM{{User: name, Mechanism: m}}, nil)
		if err == nil {
			err = res.Error()
		}
		if mech == "" && errors.Is(err, kerr.ResourceNotFound) {
			continue
		}
		if err != nil {
			return nil, Explain("deleting the SCRAM user's "+c.Mechanism+" password", err)
		}
		deleted = append(deleted, c)
	}
	if len(deleted) == 0 {
		return nil, Errorf(NotFound, "no SCRAM user named %q", name)
	}
	plan.Credentials = deleted
	plan.Applied = true
	return plan, nil
}
