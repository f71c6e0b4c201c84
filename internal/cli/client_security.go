package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The security commands: ACLs, SCRAM users and client quotas (docs/api.md, "Operations:
// ACLs, SCRAM users, quotas"), each a command group: `gregor acls create ...`. A SCRAM
// password is read from --password-file or stdin only, never from a flag's value, and never
// printed.

func init() {
	rpGroups["acls"] = rpGroup{subs: []string{"list", "create", "delete"}, def: "list"}
	rpGroups["scram-users"] = rpGroup{subs: []string{"list", "create", "set-password", "delete"}, def: "list"}
	rpGroups["quotas"] = rpGroup{subs: []string{"list", "set"}, def: "list"}
	const aclFlags = "[--principal User:NAME] [--resource-type topic|group|cluster|transactional_id|delegation_token] [--resource-name NAME] [--pattern-type literal|prefixed] [--operation OP] [--permission allow|deny] [--host H]"
	for _, c := range []*opCommand{
		{
			name: "acls list", selectCluster: true, flags: aclFlags,
			summary: "list the cluster's ACLs, all or those matching the filters (--pattern-type match: every ACL applying to --resource-name)",
			setup:   secSetupACLs("list"), render: secRenderACLList,
		},
		{
			name: "acls create", selectCluster: true, dryRun: true, flags: aclFlags,
			summary: "create an ACL: --principal, --resource-type, --resource-name (a cluster's is kafka-cluster), --operation and --permission are required; --host defaults to *, --pattern-type to literal",
			setup:   secSetupACLs("create"), render: secRenderACLCreate,
		},
		{
			name: "acls delete", selectCluster: true, dryRun: true, flags: aclFlags,
			summary: "delete every ACL matching the filters (at least --principal, --resource-type or --resource-name); --dry-run lists them",
			setup:   secSetupACLs("delete"), render: secRenderACLDelete,
		},
		{
			name: "scram-users list", selectCluster: true,
			summary: "list the SCRAM users and their mechanisms (admin)",
			setup:   secSetupSCRAMList, render: secRenderSCRAMList,
		},
		{
			name: "scram-users create", arg: "NAME", selectCluster: true, dryRun: true,
			flags:   "[--mechanism SCRAM-SHA-256|SCRAM-SHA-512] [--iterations N] [--password-file F]",
			summary: "give a user a SCRAM password for a mechanism (admin); the password comes from --password-file or stdin, never a flag",
			setup:   secSetupSCRAMSet("create"), render: secRenderSCRAM,
		},
		{
			name: "scram-users set-password", arg: "NAME", selectCluster: true, dryRun: true,
			flags:   "[--mechanism SCRAM-SHA-256|SCRAM-SHA-512] [--iterations N] [--password-file F]",
			summary: "change a SCRAM user's password for a mechanism (admin); the password comes from --password-file or stdin, never a flag",
			setup:   secSetupSCRAMSet("set-password"), render: secRenderSCRAM,
		},
		{
			name: "scram-users delete", arg: "NAME", selectCluster: true, dryRun: true,
			flags:   "[--mechanism SCRAM-SHA-256|SCRAM-SHA-512]",
			summary: "delete a SCRAM user's password for a mechanism, or for every mechanism it has (admin)",
			setup:   secSetupSCRAMDelete, render: secRenderSCRAM,
		},
		{
			name: "quotas list", selectCluster: true, flags: "[--user U] [--client-id C]",
			summary: "list the client quotas, all or of a user and/or client id (an exact name, or <default>)",
			setup:   secSetupQuotas("list"), render: secRenderQuotaList,
		},
		{
			name: "quotas set", selectCluster: true, dryRun: true,
			flags:   "(--user U | --client-id C | both) [--producer-byte-rate N] [--consumer-byte-rate N] [--request-percentage P] [--controller-mutation-rate N] [--remove KEY ...]",
			summary: "set or remove the client quotas of a user, a client id or both (<default> names the default); byte rates in bytes/s (10MB, 50MiB)",
			setup:   secSetupQuotas("set"), render: secRenderQuotaSet,
		},
	} {
		opCommands[c.name] = c
	}
}

// --- ACLs ---

type secACL struct {
	Principal    string `json:"principal"`
	Host         string `json:"host"`
	ResourceType string `json:"resource_type"`
	ResourceName string `json:"resource_name"`
	PatternType  string `json:"pattern_type"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
	DryRun       bool   `json:"dry_run"`
}

// secACLFields are the ACL flags with the API's names.
var secACLFields = []struct{ flag, param string }{
	{"principal", "principal"}, {"host", "host"}, {"resource-type", "resource_type"}, {"resource-name", "resource_name"},
	{"pattern-type", "pattern_type"}, {"operation", "operation"}, {"permission", "permission"},
}

func secSetupACLs(action string) func(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
		vals := map[string]*string{}
		for _, f := range secACLFields {
			vals[f.flag] = new(string)
		}
		fs.StringVar(vals["principal"], "principal", "", "the principal, TYPE:NAME (User:alice, User:* for everyone)")
		fs.StringVar(vals["host"], "host", "", "the host the principal connects from (create: default *)")
		fs.StringVar(vals["resource-type"], "resource-type", "", "topic, group, cluster, transactional_id or delegation_token")
		fs.StringVar(vals["resource-name"], "resource-name", "", "the resource's name (* for every one; a prefix with --pattern-type prefixed)")
		fs.StringVar(vals["pattern-type"], "pattern-type", "", "literal or prefixed (create: default literal; list/delete also any, match)")
		fs.StringVar(vals["operation"], "operation", "", "all, read, write, create, delete, alter, describe, cluster_action, describe_configs, alter_configs, idempotent_write, create_tokens, describe_tokens")
		fs.StringVar(vals["permission"], "permission", "", "allow or deny")
		return func(_ string, given map[string]bool, dry bool) (*opRequest, error) {
			for _, f := range secACLFields {
				if given[f.flag] && strings.TrimSpace(*vals[f.flag]) == "" {
					return nil, fmt.Errorf("--%s must not be empty", f.flag)
				}
			}
			if given["principal"] && !strings.Contains(strings.Trim(*vals["principal"], ":"), ":") {
				return nil, fmt.Errorf("--principal must be TYPE:NAME, e.g. User:alice, not %q", *vals["principal"])
			}
			path := rpPath("/acls")
			switch action {
			case "create":
				var missing []string
				for _, f := range []string{"principal", "resource-type", "operation", "permission"} {
					if !given[f] {
						missing = append(missing, "--"+f)
					}
				}
				if len(missing) > 0 {
					return nil, fmt.Errorf("creating an ACL needs %s", strings.Join(missing, ", "))
				}
				b := secACL{Principal: *vals["principal"], Host: *vals["host"], ResourceType: *vals["resource-type"],
					ResourceName: *vals["resource-name"], PatternType: *vals["pattern-type"], Operation: *vals["operation"],
					Permission: *vals["permission"], DryRun: dry}
				return &opRequest{method: "POST", path: path, body: b}, nil
			case "delete":
				if !given["principal"] && !given["resource-type"] && !given["resource-name"] {
					return nil, errors.New("give at least --principal, --resource-type or --resource-name: an empty filter would delete every ACL")
				}
			}
			q := url.Values{}
			for _, f := range secACLFields {
				if given[f.flag] {
					q.Set(f.param, *vals[f.flag])
				}
			}
			if action == "delete" {
				if dry {
					q.Set("dry_run", "true")
				}
				return &opRequest{method: "DELETE", path: path, query: q}, nil
			}
			return &opRequest{method: "GET", path: path, query: q}, nil
		}
	}
}

func secACLTable(w io.Writer, acls []secACL) {
	t := newClientTable("PRINCIPAL", "HOST", "RESOURCE-TYPE", "RESOURCE-NAME", "PATTERN", "OPERATION", "PERMISSION")
	for _, a := range acls {
		t.row(a.Principal, a.Host, a.ResourceType, a.ResourceName, a.PatternType, a.Operation, a.Permission)
	}
	t.writeTo(w)
}

func secRenderACLList(w io.Writer, body []byte) error {
	var a struct {
		ACLs  *[]secACL `json:"acls"`
		Total int       `json:"total"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.ACLs == nil {
		return errors.New(`no "acls"`)
	}
	if len(*a.ACLs) == 0 {
		fmt.Fprintln(w, "No ACLs.")
		return nil
	}
	secACLTable(w, *a.ACLs)
	fmt.Fprintf(w, "\n%d ACL(s).\n", a.Total)
	return nil
}

func secRenderACLCreate(w io.Writer, body []byte) error {
	var a struct {
		ACL     *secACL `json:"acl"`
		Exists  bool    `json:"exists"`
		DryRun  bool    `json:"dry_run"`
		Applied bool    `json:"applied"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.ACL == nil {
		return errors.New(`no "acl"`)
	}
	summary := "created the ACL"
	switch {
	case a.Exists:
		summary = "the ACL exists already: nothing to create"
	case a.DryRun:
		summary = "would create the ACL"
	case !a.Applied:
		summary = "did not create the ACL"
	}
	opHeader(w, a.DryRun, summary)
	secACLTable(w, []secACL{*a.ACL})
	return nil
}

func secRenderACLDelete(w io.Writer, body []byte) error {
	var a struct {
		Matching []secACL `json:"matching"`
		DryRun   bool     `json:"dry_run"`
		Applied  bool     `json:"applied"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	verb := "deleted"
	if a.DryRun {
		verb = "would delete"
	}
	if len(a.Matching) == 0 {
		opHeader(w, a.DryRun, "no ACL matches: nothing to delete")
		return nil
	}
	opHeader(w, a.DryRun, fmt.Sprintf("%s %d ACL(s)", verb, len(a.Matching)))
	secACLTable(w, a.Matching)
	return nil
}

// --- SCRAM users ---

var secMechanisms = []string{"SCRAM-SHA-256", "SCRAM-SHA-512"}

// secMechanism checks --mechanism and writes it as Kafka does.
func secMechanism(m string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(m))
	if !slices.Contains(secMechanisms, u) {
		return "", fmt.Errorf("--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, not %q", m)
	}
	return u, nil
}

// secStdin is where a password comes from without --password-file.
var secStdin io.Reader = os.Stdin

// secReadPassword reads the password from file ("-": stdin) or, when none is given, from
// stdin, which must not be a terminal (it would show the password as it is typed). One
// trailing newline is dropped.
func secReadPassword(file string) (string, error) {
	var data []byte
	var err error
	if file != "" && file != "-" {
		if data, err = os.ReadFile(file); err != nil {
			return "", fmt.Errorf("--password-file: %v", err)
		}
	} else {
		if f, ok := secStdin.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return "", errors.New("the password is read from --password-file FILE or from stdin, and stdin is a terminal (typing it there would show it): pipe it in or use --password-file")
			}
		}
		if data, err = io.ReadAll(io.LimitReader(secStdin, 1<<20)); err != nil {
			return "", fmt.Errorf("reading the password from stdin: %v", err)
		}
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if pw == "" {
		return "", errors.New("the password is empty (give it in --password-file or on stdin)")
	}
	return pw, nil
}

type secSCRAMBody struct {
	Name       string `json:"name,omitempty"`
	Mechanism  string `json:"mechanism"`
	Password   string `json:"password"`
	Iterations int32  `json:"iterations,omitempty"`
	DryRun     bool   `json:"dry_run"`
}

func secSCRAMPath(name string) func(string) string {
	return func(c string) string {
		p := clusterPath(c) + "/scram-users"
		if name != "" {
			p += "/" + url.PathEscape(name)
		}
		return p
	}
}

func secSetupSCRAMList(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(string, map[string]bool, bool) (*opRequest, error) {
		return &opRequest{method: "GET", path: secSCRAMPath("")}, nil
	}
}

func secSetupSCRAMSet(action string) func(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
		var mech, file string
		var iterations int
		fs.StringVar(&mech, "mechanism", "SCRAM-SHA-512", "SCRAM-SHA-256 or SCRAM-SHA-512")
		fs.IntVar(&iterations, "iterations", 0, "the hash iterations, 4096 to 16384 (create: default 8192; set-password: default the current)")
		fs.StringVar(&file, "password-file", "", "read the password from this file (one trailing newline dropped); default: stdin")
		return func(name string, given map[string]bool, dry bool) (*opRequest, error) {
			m, err := secMechanism(mech)
			if err != nil {
				return nil, err
			}
			if given["iterations"] && (iterations < 4096 || iterations > 16384) {
				return nil, errors.New("--iterations must be from 4096 to 16384")
			}
			if given["password-file"] && file == "" {
				return nil, errors.New("--password-file must not be empty")
			}
			pw, err := secReadPassword(file)
			if err != nil {
				return nil, err
			}
			b := secSCRAMBody{Mechanism: m, Password: pw, Iterations: int32(iterations), DryRun: dry}
			if action == "create" {
				b.Name = name
				return &opRequest{method: "POST", path: secSCRAMPath(""), body: b}, nil
			}
			return &opRequest{method: "PUT", path: secSCRAMPath(name), body: b}, nil
		}
	}
}

func secSetupSCRAMDelete(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	var mech string
	fs.StringVar(&mech, "mechanism", "", "only this mechanism's password (default: every mechanism the user has)")
	return func(name string, given map[string]bool, dry bool) (*opRequest, error) {
		q := dryRunQuery(dry)
		if given["mechanism"] {
			m, err := secMechanism(mech)
			if err != nil {
				return nil, err
			}
			q.Set("mechanism", m)
		}
		return &opRequest{method: "DELETE", path: secSCRAMPath(name), query: q}, nil
	}
}

type secCredential struct {
	Mechanism  string `json:"mechanism"`
	Iterations int32  `json:"iterations"`
}

func secFmtCredentials(cs []secCredential) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = fmt.Sprintf("%s (%d iterations)", c.Mechanism, c.Iterations)
	}
	return orDash(strings.Join(s, ", "))
}

func secRenderSCRAMList(w io.Writer, body []byte) error {
	var a struct {
		Users *[]struct {
			Name        string          `json:"name"`
			Credentials []secCredential `json:"credentials"`
		} `json:"users"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Users == nil {
		return errors.New(`no "users"`)
	}
	if len(*a.Users) == 0 {
		fmt.Fprintln(w, "No SCRAM users.")
		return nil
	}
	t := newClientTable("USER", "MECHANISMS")
	for _, u := range *a.Users {
		t.row(u.Name, secFmtCredentials(u.Credentials))
	}
	t.writeTo(w)
	return nil
}

func secRenderSCRAM(w io.Writer, body []byte) error {
	var a struct {
		Action      string          `json:"action"`
		Name        string          `json:"name"`
		Credentials []secCredential `json:"credentials"`
		DryRun      bool            `json:"dry_run"`
		Applied     bool            `json:"applied"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Name == "" {
		return errors.New(`no "name"`)
	}
	verb := map[string]string{"create": "created the SCRAM password", "update": "changed the SCRAM password", "delete": "deleted the SCRAM password"}[a.Action]
	if verb == "" {
		verb = a.Action
	}
	if a.DryRun {
		verb = "would have " + verb
	} else if !a.Applied {
		verb = "did not apply: " + verb
	}
	opHeader(w, a.DryRun, fmt.Sprintf("%s of user %q: %s", verb, a.Name, secFmtCredentials(a.Credentials)))
	if a.Applied && a.Action != "delete" {
		fmt.Fprintln(w, "Brokers learn the change through the metadata log a moment later.")
	}
	return nil
}

// --- quotas ---

var secQuotaKeys = []string{"producer_byte_rate", "consumer_byte_rate", "request_percentage", "controller_mutation_rate"}

type secQuotaBody struct {
	User     *string            `json:"user,omitempty"`
	ClientID *string            `json:"client_id,omitempty"`
	Set      map[string]float64 `json:"set,omitempty"`
	Remove   []string           `json:"remove,omitempty"`
	DryRun   bool               `json:"dry_run"`
}

func secSetupQuotas(action string) func(*flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
	return func(fs *flag.FlagSet) func(string, map[string]bool, bool) (*opRequest, error) {
		var user, client, produce, consume string
		var reqPct, mutation float64
		var remove listFlag
		fs.StringVar(&user, "user", "", "the user (<default>: the default user)")
		fs.StringVar(&client, "client-id", "", "the client id (<default>: the default client id)")
		if action == "set" {
			fs.StringVar(&produce, "producer-byte-rate", "", "the producer quota in bytes/s (1048576, 10MB, 50MiB)")
			fs.StringVar(&consume, "consumer-byte-rate", "", "the consumer quota in bytes/s (1048576, 10MB, 50MiB)")
			fs.Float64Var(&reqPct, "request-percentage", 0, "the request quota, percent of one broker thread")
			fs.Float64Var(&mutation, "controller-mutation-rate", 0, "the partition mutations per second")
			fs.Var(&remove, "remove", "remove this quota `key` (producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate; repeat for several)")
		}
		return func(_ string, given map[string]bool, dry bool) (*opRequest, error) {
			for _, f := range []string{"user", "client-id"} {
				if given[f] && strings.TrimSpace(map[string]string{"user": user, "client-id": client}[f]) == "" {
					return nil, fmt.Errorf("--%s must not be empty (<default> names the default)", f)
				}
			}
			if action == "list" {
				q := url.Values{}
				if given["user"] {
					q.Set("user", user)
				}
				if given["client-id"] {
					q.Set("client_id", client)
				}
				return &opRequest{method: "GET", path: rpPath("/quotas"), query: q}, nil
			}
			b := secQuotaBody{DryRun: dry, Set: map[string]float64{}}
			if !given["user"] && !given["client-id"] {
				return nil, errors.New("give --user, --client-id or both (<default> for the default)")
			}
			if given["user"] {
				b.User = &user
			}
			if given["client-id"] {
				b.ClientID = &client
			}
			for f, v := range map[string]string{"producer-byte-rate": produce, "consumer-byte-rate": consume} {
				if given[f] {
					n, err := rpParseBytes(f, v)
					if err != nil {
						return nil, err
					}
					b.Set[strings.ReplaceAll(f, "-", "_")] = float64(n)
				}
			}
			for f, v := range map[string]float64{"request-percentage": reqPct, "controller-mutation-rate": mutation} {
				if given[f] {
					if !(v > 0) || math.IsInf(v, 0) {
						return nil, fmt.Errorf("--%s must be a positive number", f)
					}
					b.Set[strings.ReplaceAll(f, "-", "_")] = v
				}
			}
			for _, k := range remove {
				k = strings.ReplaceAll(strings.TrimSpace(k), "-", "_")
				switch {
				case !slices.Contains(secQuotaKeys, k):
					return nil, fmt.Errorf("--remove wants one of %s, not %q", strings.Join(secQuotaKeys, ", "), k)
				case slices.Contains(b.Remove, k):
					return nil, fmt.Errorf("--remove: %q is given twice", k)
				}
				if _, ok := b.Set[k]; ok {
					return nil, fmt.Errorf("%s is both set and removed", k)
				}
				b.Remove = append(b.Remove, k)
			}
			if len(b.Set) == 0 && len(b.Remove) == 0 {
				return nil, errors.New("nothing to change: give a quota (--producer-byte-rate, --consumer-byte-rate, --request-percentage, --controller-mutation-rate) or --remove KEY")
			}
			return &opRequest{method: "PUT", path: rpPath("/quotas"), body: b}, nil
		}
	}
}

type secQuotaEntity struct {
	User     *string `json:"user"`
	ClientID *string `json:"client_id"`
	IP       *string `json:"ip"`
}

func (e secQuotaEntity) String() string {
	var s []string
	for _, c := range []struct {
		k string
		v *string
	}{{"user", e.User}, {"client-id", e.ClientID}, {"ip", e.IP}} {
		if c.v != nil {
			s = append(s, c.k+"="+*c.v)
		}
	}
	return orDash(strings.Join(s, ", "))
}

func secFmtQuota(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func secFmtQuotas(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + secFmtQuota(m[k])
	}
	return orDash(strings.Join(keys, ", "))
}

func secRenderQuotaList(w io.Writer, body []byte) error {
	var a struct {
		Quotas *[]struct {
			Entity secQuotaEntity     `json:"entity"`
			Values map[string]float64 `json:"values"`
		} `json:"quotas"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Quotas == nil {
		return errors.New(`no "quotas"`)
	}
	if len(*a.Quotas) == 0 {
		fmt.Fprintln(w, "No client quotas.")
		return nil
	}
	t := newClientTable("ENTITY", "QUOTAS")
	for _, q := range *a.Quotas {
		t.row(q.Entity.String(), secFmtQuotas(q.Values))
	}
	t.writeTo(w)
	return nil
}

func secRenderQuotaSet(w io.Writer, body []byte) error {
	var a struct {
		Entity  *secQuotaEntity    `json:"entity"`
		Before  map[string]float64 `json:"before"`
		After   map[string]float64 `json:"after"`
		DryRun  bool               `json:"dry_run"`
		Applied bool               `json:"applied"`
	}
	if err := decodeBody(body, &a); err != nil {
		return err
	}
	if a.Entity == nil {
		return errors.New(`no "entity"`)
	}
	verb := "changed"
	if a.DryRun {
		verb = "would change (Kafka validated it)"
	} else if !a.Applied {
		verb = "did not change"
	}
	opHeader(w, a.DryRun, fmt.Sprintf("%s the client quotas of %s", verb, a.Entity))
	keys := []string{}
	for _, m := range []map[string]float64{a.Before, a.After} {
		for k := range m {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	t := newClientTable("KEY", "BEFORE", "", "AFTER")
	for _, k := range keys {
		before, after := "-", "(removed)"
		if v, ok := a.Before[k]; ok {
			before = secFmtQuota(v)
		}
		if v, ok := a.After[k]; ok {
			after = secFmtQuota(v)
		}
		t.row(k, before, "->", after)
	}
	t.writeTo(w)
	if a.Applied {
		fmt.Fprintln(w, "\nBrokers apply the change a moment later.")
	}
	return nil
}
