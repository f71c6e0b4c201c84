package operate

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ACL is one access control entry, with Kafka's names in lower case: resource types topic,
// group, cluster, transactional_id, delegation_token; pattern types literal, prefixed;
// operations read, write, create, delete, alter, describe, cluster_action, describe_configs,
// alter_configs, idempotent_write, all; permissions allow, deny.
type ACL struct {
	Principal    string `json:"principal"` // "User:alice"
	Host         string `json:"host"`      // "*" for any host
	ResourceType string `json:"resource_type"`
	ResourceName string `json:"resource_name"`
	PatternType  string `json:"pattern_type"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
}

// ACLFilter selects ACLs; an empty field matches anything. PatternType also takes "any"
// (the default) and "match" (every ACL that applies to ResourceName: literal, prefixed and
// wildcard).
type ACLFilter struct {
	Principal    string `json:"principal,omitempty"`
	Host         string `json:"host,omitempty"`
	ResourceType string `json:"resource_type,omitempty"`
	ResourceName string `json:"resource_name,omitempty"`
	PatternType  string `json:"pattern_type,omitempty"`
	Operation    string `json:"operation,omitempty"`
	Permission   string `json:"permission,omitempty"`
}

// ACLCreatePlan is what creating an ACL does: the ACL (defaults filled in), whether an equal
// one exists already (creating it again changes nothing), and whether it was applied.
type ACLCreatePlan struct {
	ACL     ACL  `json:"acl"`
	Exists  bool `json:"exists"`
	DryRun  bool `json:"dry_run"`
	Applied bool `json:"applied"`
}

// ACLDeletePlan is what deleting by a filter does: the ACLs that match (and were deleted,
// unless a dry run).
type ACLDeletePlan struct {
	Filter   ACLFilter `json:"filter"`
	Matching []ACL     `json:"matching"`
	DryRun   bool      `json:"dry_run"`
	Applied  bool      `json:"applied"`
}

var (
	aclResourceTypes = map[string]kmsg.ACLResourceType{"topic": kmsg.ACLResourceTypeTopic, "group": kmsg.ACLResourceTypeGroup,
		"cluster": kmsg.ACLResourceTypeCluster, "transactional_id": kmsg.ACLResourceTypeTransactionalId,
		"delegation_token": kmsg.ACLResourceTypeDelegationToken}
	aclPatterns    = map[string]kmsg.ACLResourcePatternType{"literal": kmsg.ACLResourcePatternTypeLiteral, "prefixed": kmsg.ACLResourcePatternTypePrefixed}
	aclPermissions = map[string]kmsg.ACLPermissionType{"allow": kmsg.ACLPermissionTypeAllow, "deny": kmsg.ACLPermissionTypeDeny}
	aclOperations  = map[string]kmsg.ACLOperation{"all": kmsg.ACLOperationAll, "read": kmsg.ACLOperationRead,
		"write": kmsg.ACLOperationWrite, "create": kmsg.ACLOperationCreate, "delete": kmsg.ACLOperationDelete,
		"alter": kmsg.ACLOperationAlter, "describe": kmsg.ACLOperationDescribe, "cluster_action": kmsg.ACLOperationClusterAction,
		"describe_configs": kmsg.ACLOperationDescribeConfigs, "alter_configs": kmsg.ACLOperationAlterConfigs,
		"idempotent_write": kmsg.ACLOperationIdempotentWrite, "create_tokens": kmsg.ACLOperationCreateTokens,
		"describe_tokens": kmsg.ACLOperationDescribeTokens}
)

// clusterResource is the only name a cluster resource has.
const clusterResource = "kafka-cluster"

// noAuthorizer is the message for a cluster without an authorizer.
const noAuthorizer = "the cluster has no authorizer (authorizer.class.name is not set), so it has no ACLs to list or change"

func secKeys[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func secNorm(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
}

func secLookup[V any](field, v string, m map[string]V) (V, error) {
	x, ok := m[secNorm(v)]
	if !ok {
		return x, Errorf(Invalid, "%s %q is not one of: %s", field, v, secKeys(m))
	}
	return x, nil
}

func validPrincipal(p string) error {
	if i := strings.IndexByte(p, ':'); i <= 0 || i == len(p)-1 {
		return Errorf(Invalid, "principal %q must be TYPE:NAME, e.g. User:alice (or User:* for everyone)", p)
	}
	return nil
}

// normalize checks an ACL to create and fills in its defaults (host *, pattern literal,
// the cluster's name for a cluster resource).
func (a ACL) normalize() (ACL, kmsg.CreateACLsRequestCreation, error) {
	c := kmsg.NewCreateACLsRequestCreation()
	var err error
	if err = validPrincipal(a.Principal); err != nil {
		return a, c, err
	}
	if a.Host == "" {
		a.Host = "*"
	}
	if c.ResourceType, err = secLookup("resource_type", a.ResourceType, aclResourceTypes); err != nil {
		return a, c, err
	}
	a.ResourceType = secNorm(a.ResourceType)
	if a.ResourceType == "cluster" {
		if a.ResourceName == "" {
			a.ResourceName = clusterResource
		}
		if a.ResourceName != clusterResource {
			return a, c, Errorf(Invalid, "a cluster resource is named %q", clusterResource)
		}
	}
	if a.ResourceName == "" {
		return a, c, Errorf(Invalid, "resource_name is required (\"*\" for every %s)", a.ResourceType)
	}
	if a.PatternType == "" {
		a.PatternType = "literal"
	}
	if c.ResourcePatternType, err = secLookup("pattern_type", a.PatternType, aclPatterns); err != nil {
		return a, c, err
	}
	a.PatternType = secNorm(a.PatternType)
	if c.Operation, err = secLookup("operation", a.Operation, aclOperations); err != nil {
		return a, c, err
	}
	a.Operation = secNorm(a.Operation)
	if c.PermissionType, err = secLookup("permission", a.Permission, aclPermissions); err != nil {
		return a, c, err
	}
	a.Permission = secNorm(a.Permission)
	c.Principal, c.Host, c.ResourceName = a.Principal, a.Host, a.ResourceName
	return a, c, nil
}

// filter turns f into Kafka's describe filter (delete filters have the same fields).
func (f ACLFilter) filter() (*kmsg.DescribeACLsRequest, error) {
	r := kmsg.NewPtrDescribeACLsRequest()
	r.ResourceType, r.ResourcePatternType = kmsg.ACLResourceTypeAny, kmsg.ACLResourcePatternTypeAny
	r.Operation, r.PermissionType = kmsg.ACLOperationAny, kmsg.ACLPermissionTypeAny
	var err error
	if f.Principal != "" {
		if err := validPrincipal(f.Principal); err != nil {
			return nil, err
		}
		r.Principal = kmsg.StringPtr(f.Principal)
	}
	if f.Host != "" {
		r.Host = kmsg.StringPtr(f.Host)
	}
	if f.ResourceType != "" && secNorm(f.ResourceType) != "any" {
		if r.ResourceType, err = secLookup("resource_type", f.ResourceType, aclResourceTypes); err != nil {
			return nil, err
		}
	}
	if f.ResourceName != "" {
		r.ResourceName = kmsg.StringPtr(f.ResourceName)
	}
	switch secNorm(f.PatternType) {
	case "", "any":
	case "match":
		if f.ResourceName == "" {
			return nil, Errorf(Invalid, "pattern_type match needs a resource_name")
		}
		r.ResourcePatternType = kmsg.ACLResourcePatternTypeMatch
	default:
		if r.ResourcePatternType, err = secLookup("pattern_type", f.PatternType, aclPatterns); err != nil {
			return nil, err
		}
	}
	if f.Operation != "" && secNorm(f.Operation) != "any" {
		if r.Operation, err = secLookup("operation", f.Operation, aclOperations); err != nil {
			return nil, err
		}
	}
	if f.Permission != "" && secNorm(f.Permission) != "any" {
		if r.PermissionType, err = secLookup("permission", f.Permission, aclPermissions); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// aclErr explains an ACL error code, saying so plainly when the cluster has no authorizer.
func aclErr(what string, code int16) error {
	err := kerr.ErrorForCode(code)
	if err == nil {
		return nil
	}
	if errors.Is(err, kerr.SecurityDisabled) {
		return &Error{Kind: Invalid, Msg: what + ": " + noAuthorizer, Err: err}
	}
	return Explain(what, err)
}

func secLower(s interface{ String() string }) string { return strings.ToLower(s.String()) }

// ListACLs lists the ACLs matching f, sorted by resource, then principal.
func ListACLs(ctx context.Context, cl *kgo.Client, f ACLFilter) ([]ACL, error) {
	req, err := f.filter()
	if err != nil {
		return nil, err
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, Explain("listing ACLs", err)
	}
	if err := aclErr("listing ACLs", resp.ErrorCode); err != nil {
		return nil, err
	}
	out := []ACL{}
	for _, r := range resp.Resources {
		for _, a := range r.ACLs {
			out = append(out, ACL{Principal: a.Principal, Host: a.Host, ResourceType: secLower(r.ResourceType),
				ResourceName: r.ResourceName, PatternType: secLower(r.ResourcePatternType), Operation: secLower(a.Operation),
				Permission: secLower(a.PermissionType)})
		}
	}
	sortACLs(out)
	return out, nil
}

func sortACLs(as []ACL) {
	sort.Slice(as, func(i, j int) bool {
		a, b := as[i], as[j]
		for _, p := range [][2]string{{a.ResourceType, b.ResourceType}, {a.ResourceName, b.ResourceName},
			{a.PatternType, b.PatternType}, {a.Principal, b.Principal}, {a.Host, b.Host}, {a.Operation, b.Operation}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return a.Permission < b.Permission
	})
}

// CreateACL creates one ACL (host defaults to *, pattern to literal). A dry run checks the
// request and the cluster (it must have an authorizer) and says whether the ACL exists.
func CreateACL(ctx context.Context, cl *kgo.Client, a ACL, dryRun bool) (*ACLCreatePlan, error) {
	a, c, err := a.normalize()
	if err != nil {
		return nil, err
	}
	plan := &ACLCreatePlan{ACL: a, DryRun: dryRun}
	existing, err := ListACLs(ctx, cl, ACLFilter{Principal: a.Principal, Host: a.Host, ResourceType: a.ResourceType,
		ResourceName: a.ResourceName, PatternType: a.PatternType, Operation: a.Operation, Permission: a.Permission})
	if err != nil {
		return nil, err
	}
	plan.Exists = len(existing) > 0
	if dryRun {
		return plan, nil
	}
	req := kmsg.NewPtrCreateACLsRequest()
	req.Creations = append(req.Creations, c)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, Explain("creating the ACL", err)
	}
	if len(resp.Results) != 1 {
		return nil, Errorf(Unavailable, "creating the ACL: %d results to 1 creation", len(resp.Results))
	}
	if err := aclErr("creating the ACL", resp.Results[0].ErrorCode); err != nil {
		return nil, err
	}
	plan.Applied = true
	return plan, nil
}

// DeleteACLs deletes every ACL matching f; a dry run lists them. An empty filter (which would
// delete every ACL of the cluster) is refused: give a principal or a resource.
func DeleteACLs(ctx context.Context, cl *kgo.Client, f ACLFilter, dryRun bool) (*ACLDeletePlan, error) {
	if f.Principal == "" && f.ResourceName == "" && (f.ResourceType == "" || secNorm(f.ResourceType) == "any") {
		return nil, Errorf(Invalid, "give at least a principal, a resource_type or a resource_name: an empty filter would delete every ACL")
	}
	d, err := f.filter()
	if err != nil {
		return nil, err
	}
	plan := &ACLDeletePlan{Filter: f, DryRun: dryRun}
	if dryRun {
		if plan.Matching, err = ListACLs(ctx, cl, f); err != nil {
			return nil, err
		}
		return plan, nil
	}
	req := kmsg.NewPtrDeleteACLsRequest()
	df := kmsg.NewDeleteACLsRequestFilter()
	df.ResourceType, df.ResourceName, df.ResourcePatternType = d.ResourceType, d.ResourceName, d.ResourcePatternType
	df.Principal, df.Host, df.Operation, df.PermissionType = d.Principal, d.Host, d.Operation, d.PermissionType
	req.Filters = append(req.Filters, df)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, Explain("deleting ACLs", err)
	}
	if len(resp.Results) != 1 {
		return nil, Errorf(Unavailable, "deleting ACLs: %d results to 1 filter", len(resp.Results))
	}
	r := resp.Results[0]
	if err := aclErr("deleting ACLs", r.ErrorCode); err != nil {
		return nil, err
	}
	plan.Matching = []ACL{}
	for _, m := range r.MatchingACLs {
		if err := aclErr("deleting an ACL", m.ErrorCode); err != nil {
			return nil, err
		}
		plan.Matching = append(plan.Matching, ACL{Principal: m.Principal, Host: m.Host, ResourceType: secLower(m.ResourceType),
			ResourceName: m.ResourceName, PatternType: secLower(m.ResourcePatternType), Operation: secLower(m.Operation),
			Permission: secLower(m.PermissionType)})
	}
	sortACLs(plan.Matching)
	plan.Applied = true
	return plan, nil
}
