package operate

import (
	"context"
	"math"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DefaultEntity is the name that stands for the default of an entity type ("every user").
const DefaultEntity = "<default>"

// Quota keys Gregor sets; byte rates are bytes per second, request_percentage a share of a
// broker thread (100 = one thread), controller_mutation_rate partitions per second.
var quotaKeys = map[string]bool{"producer_byte_rate": true, "consumer_byte_rate": true,
	"request_percentage": true, "controller_mutation_rate": true}

// QuotaEntity names who a quota applies to: a user, a client id, or both. A name
// DefaultEntity is the default of its type. IP entities are listed, never set here.
type QuotaEntity struct {
	User     *string `json:"user,omitempty"`
	ClientID *string `json:"client_id,omitempty"`
	IP       *string `json:"ip,omitempty"`
}

func (e QuotaEntity) String() string { return e.components().String() }

func (e QuotaEntity) components() kadm.ClientQuotaEntity {
	var c kadm.ClientQuotaEntity
	add := func(typ string, name *string) {
		if name == nil {
			return
		}
		n := name
		if *name == DefaultEntity {
			n = nil
		}
		c = append(c, kadm.ClientQuotaEntityComponent{Type: typ, Name: n})
	}
	add("user", e.User)
	add("client-id", e.ClientID)
	add("ip", e.IP)
	return c
}

func quotaEntityOf(c kadm.ClientQuotaEntity) QuotaEntity {
	var e QuotaEntity
	for _, x := range c {
		n := DefaultEntity
		if x.Name != nil {
			n = *x.Name
		}
		switch x.Type {
		case "user":
			e.User = &n
		case "client-id":
			e.ClientID = &n
		case "ip":
			e.IP = &n
		}
	}
	return e
}

// Quota is one entity's quotas.
type Quota struct {
	Entity QuotaEntity        `json:"entity"`
	Values map[string]float64 `json:"values"`
}

// QuotaFilter selects quotas: User and ClientID each an exact name, DefaultEntity, or empty
// for any.
type QuotaFilter struct {
	User, ClientID string
}

// ListQuotas lists the client quotas matching f, sorted by entity.
func ListQuotas(ctx context.Context, adm *kadm.Client, f QuotaFilter) ([]Quota, error) {
	var comps []kadm.DescribeClientQuotaComponent
	add := func(typ, name string) {
		switch name {
		case "":
		case DefaultEntity:
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: typ, MatchType: kmsg.QuotasMatchTypeDefault})
		default:
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: typ, MatchName: kmsg.StringPtr(name), MatchType: kmsg.QuotasMatchTypeExact})
		}
	}
	add("user", f.User)
	add("client-id", f.ClientID)
	qs, err := adm.DescribeClientQuotas(ctx, false, comps)
	if err != nil {
		return nil, Explain("listing client quotas", err)
	}
	out := []Quota{}
	for _, q := range qs {
		v := map[string]float64{}
		for _, x := range q.Values {
			v[x.Key] = x.Value
		}
		out = append(out, Quota{Entity: quotaEntityOf(q.Entity), Values: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entity.String() < out[j].Entity.String() })
	return out, nil
}

// QuotaChange sets and removes quotas of one entity.
type QuotaChange struct {
	Entity QuotaEntity        `json:"entity"`
	Set    map[string]float64 `json:"set,omitempty"`
	Remove []string           `json:"remove,omitempty"`
}

// QuotaPlan is what a QuotaChange does: the entity's quotas before and after.
type QuotaPlan struct {
	Entity  QuotaEntity        `json:"entity"`
	Before  map[string]float64 `json:"before"`
	After   map[string]float64 `json:"after"`
	DryRun  bool               `json:"dry_run"`
	Applied bool               `json:"applied"`
}

func (c QuotaChange) check() error {
	e := c.Entity
	if e.IP != nil {
		return Errorf(Invalid, "IP quotas are not set here; give a user and/or a client_id")
	}
	if e.User == nil && e.ClientID == nil {
		return Errorf(Invalid, "give a user, a client_id or both (%q for the default)", DefaultEntity)
	}
	if (e.User != nil && *e.User == "") || (e.ClientID != nil && *e.ClientID == "") {
		return Errorf(Invalid, "an entity name is empty; write %q for the default", DefaultEntity)
	}
	if len(c.Set) == 0 && len(c.Remove) == 0 {
		return Errorf(Invalid, "nothing to change: give set and/or remove")
	}
	for k, v := range c.Set {
		if !quotaKeys[k] {
			return Errorf(Invalid, "unknown quota %q; known: %s", k, secKeys(quotaKeys))
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return Errorf(Invalid, "quota %s must be a positive number", k)
		}
		if k != "request_percentage" && k != "controller_mutation_rate" && v != math.Trunc(v) {
			return Errorf(Invalid, "quota %s is in bytes per second: a whole number", k)
		}
	}
	for _, k := range c.Remove {
		if !quotaKeys[k] {
			return Errorf(Invalid, "unknown quota %q; known: %s", k, secKeys(quotaKeys))
		}
		if _, ok := c.Set[k]; ok {
			return Errorf(Invalid, "quota %s is both set and removed", k)
		}
	}
	return nil
}

// AlterQuotas applies c. A dry run shows the quotas before and after and has Kafka validate
// the change without applying it.
func AlterQuotas(ctx context.Context, adm *kadm.Client, c QuotaChange, dryRun bool) (*QuotaPlan, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	before, err := entityQuotas(ctx, adm, c.Entity)
	if err != nil {
		return nil, err
	}
	after := map[string]float64{}
	for k, v := range before {
		after[k] = v
	}
	var ops []kadm.AlterClientQuotaOp
	for _, k := range quotaSortedKeys(c.Set) {
		after[k] = c.Set[k]
		ops = append(ops, kadm.AlterClientQuotaOp{Key: k, Value: c.Set[k]})
	}
	for _, k := range c.Remove {
		delete(after, k)
		ops = append(ops, kadm.AlterClientQuotaOp{Key: k, Remove: true})
	}
	plan := &QuotaPlan{Entity: c.Entity, Before: before, After: after, DryRun: dryRun}
	entries := []kadm.AlterClientQuotaEntry{{Entity: c.Entity.components(), Ops: ops}}
	alter := adm.AlterClientQuotas
	if dryRun {
		alter = adm.ValidateAlterClientQuotas
	}
	res, err := alter(ctx, entries)
	if err != nil {
		return nil, Explain("changing client quotas", err)
	}
	for _, r := range res {
		if r.Err != nil {
			return nil, Explain("changing client quotas", r.Err)
		}
	}
	plan.Applied = !dryRun
	return plan, nil
}

// entityQuotas is exactly e's quotas (not those of entities containing it).
func entityQuotas(ctx context.Context, adm *kadm.Client, e QuotaEntity) (map[string]float64, error) {
	var comps []kadm.DescribeClientQuotaComponent
	for _, c := range e.components() {
		if c.Name == nil {
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: c.Type, MatchType: kmsg.QuotasMatchTypeDefault})
		} else {
			comps = append(comps, kadm.DescribeClientQuotaComponent{Type: c.Type, MatchName: c.Name, MatchType: kmsg.QuotasMatchTypeExact})
		}
	}
	qs, err := adm.DescribeClientQuotas(ctx, true, comps)
	if err != nil {
		return nil, Explain("reading client quotas", err)
	}
	out := map[string]float64{}
	for _, q := range qs {
		for _, v := range q.Values {
			out[v.Key] = v.Value
		}
	}
	return out, nil
}

func quotaSortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
