package selfserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Request kinds.
const (
	KindTopic      = "topic"
	KindAccess     = "access"
	KindQuota      = "quota"
	KindPartitions = "partitions"
)

// Spec is what a request asks for; the fields used depend on the kind.
type Spec struct {
	Kind        string `json:"kind"`
	Cluster     string `json:"cluster"`
	Application string `json:"application"`
	Topic       string `json:"topic,omitempty"`
	// topic
	Region            string            `json:"region,omitempty"`
	Partitions        int32             `json:"partitions,omitempty"`
	ReplicationFactor int16             `json:"replication_factor,omitempty"`
	RetentionMs       int64             `json:"retention_ms,omitempty"`
	BytesPerSec       int64             `json:"expected_bytes_per_sec,omitempty"`
	Configs           map[string]string `json:"configs,omitempty"`
	// access: produce or consume; Group is the consumer group (prefix, when it ends in '*')
	// a consumer may use, by default every group whose name starts with the application's.
	Access string `json:"access,omitempty"`
	Group  string `json:"group,omitempty"`
	// quota: bytes per second; 0 leaves a rate as it is
	ProducerByteRate int64 `json:"producer_byte_rate,omitempty"`
	ConsumerByteRate int64 `json:"consumer_byte_rate,omitempty"`
	// partitions: the new total
	Count int32 `json:"count,omitempty"`
	// Reason is the requester's words.
	Reason string `json:"reason,omitempty"`
}

// RequestView is a request with its spec and result decoded.
type RequestView struct {
	store.Request
	Spec   Spec            `json:"spec"`
	Result json.RawMessage `json:"result,omitempty"`
	// CanDecide: the asking actor may approve or reject it (pending ones).
	CanDecide bool `json:"can_decide"`
}

func (s *Service) view(a Actor, r store.Request) RequestView {
	v := RequestView{Request: r}
	_ = json.Unmarshal([]byte(r.Spec), &v.Spec)
	if r.Result != "" {
		v.Result = json.RawMessage(r.Result)
	}
	return v
}

// Create files a request; apply (admins only) approves and applies it at once.
func (s *Service) Create(ctx context.Context, a Actor, sp Spec, apply bool) (*RequestView, error) {
	if apply && !a.Admin() {
		return nil, operate.Errorf(operate.Forbidden, "only an admin applies a change directly; file it as a request instead")
	}
	app, err := s.checkSpec(ctx, a, &sp)
	if err != nil {
		return nil, err
	}
	spec, _ := json.Marshal(sp)
	r := store.Request{Kind: sp.Kind, State: store.RequestPending, Requester: a.User, Team: app.Team, Application: app.Name,
		Cluster: sp.Cluster, Topic: sp.Topic, Spec: string(spec), Reason: sp.Reason, CreatedAt: s.now().UTC()}
	r.UpdatedAt = r.CreatedAt
	if err := s.st.CreateRequest(ctx, &r); err != nil {
		return nil, err
	}
	s.notify(ctx, Event{Request: r, Action: "created", By: a.User})
	if apply {
		return s.Decide(ctx, a, r.ID, true, "applied directly by an admin")
	}
	v := s.view(a, r)
	v.CanDecide, _ = s.canDecide(ctx, a, r)
	return &v, nil
}

// checkSpec validates a spec and who asks: members of the application's team (or admins)
// ask for it. Kafka validates what it can (a topic's name, configs and placement) now, so a
// request that cannot work fails at once rather than at approval.
func (s *Service) checkSpec(ctx context.Context, a Actor, sp *Spec) (app *appRef, err error) {
	if sp.Application == "" {
		return nil, operate.Errorf(operate.Invalid, `"application" is required: the application the request is for`)
	}
	got, err := s.application(ctx, a, sp.Application, true)
	if err != nil {
		return nil, err
	}
	app = &appRef{Name: got.Name, Team: got.Team}
	t, err := s.kafkaTarget(sp.Cluster)
	if err != nil {
		if sp.Cluster == "" {
			return nil, operate.Errorf(operate.Invalid, `"cluster" is required`)
		}
		return nil, err
	}
	switch sp.Kind {
	case KindTopic:
		if sp.Topic == "" {
			return nil, operate.Errorf(operate.Invalid, `"topic" is required: the name of the topic to create`)
		}
		if len(t.Regions) > 0 && sp.Region == "" {
			return nil, operate.Errorf(operate.Invalid, `"region" is required on cluster %q: one of %s`, sp.Cluster, regionNames(t))
		}
		if sp.RetentionMs < 0 || sp.BytesPerSec < 0 {
			return nil, operate.Errorf(operate.Invalid, "retention_ms and expected_bytes_per_sec may not be negative")
		}
		if _, err := s.createTopic(ctx, t, *sp, true); err != nil {
			return nil, err
		}
	case KindAccess:
		if err := s.notForeign(ctx, t, app.Name); err != nil {
			return nil, err
		}
		if sp.Access != "produce" && sp.Access != "consume" {
			return nil, operate.Errorf(operate.Invalid, `"access" must be produce or consume`)
		}
		if sp.Access == "produce" && sp.Group != "" {
			return nil, operate.Errorf(operate.Invalid, `"group" is for consume access only`)
		}
		if g := strings.TrimSuffix(sp.Group, "*"); sp.Group != "" && (strings.TrimSpace(g) == "" || strings.Contains(g, "*")) {
			return nil, operate.Errorf(operate.Invalid, `"group" %q: a consumer group name, or a prefix ending in '*' (not '*' alone)`, sp.Group)
		}
		if err := s.topicExists(ctx, t, sp.Topic); err != nil {
			return nil, err
		}
	case KindQuota:
		if err := s.notForeign(ctx, t, app.Name); err != nil {
			return nil, err
		}
		if sp.ProducerByteRate < 0 || sp.ConsumerByteRate < 0 || sp.ProducerByteRate+sp.ConsumerByteRate == 0 {
			return nil, operate.Errorf(operate.Invalid, "give producer_byte_rate and/or consumer_byte_rate, in bytes per second (more than 0)")
		}
		if _, err := s.setQuota(ctx, t, *sp, true); err != nil {
			return nil, err
		}
	case KindPartitions:
		owner, err := s.st.GetTopicOwner(ctx, sp.Cluster, sp.Topic)
		if err != nil {
			return nil, operate.Errorf(operate.Invalid, "topic %q on %q has no owning application: only owned topics get more partitions by request", sp.Topic, sp.Cluster)
		}
		if owner.Application != sp.Application {
			return nil, operate.Errorf(operate.Forbidden, "topic %q is owned by application %q, not %q", sp.Topic, owner.Application, sp.Application)
		}
		if _, err := s.addPartitions(ctx, t, *sp, owner.Region, true); err != nil {
			return nil, err
		}
	default:
		return nil, operate.Errorf(operate.Invalid, `"kind" must be one of topic, access, quota, partitions`)
	}
	return app, nil
}

type appRef struct{ Name, Team string }

// notForeign refuses rights for an application on a cluster where a Kafka user of its name
// exists that Gregor did not create for it: the ACLs or quotas would go to that user.
func (s *Service) notForeign(ctx context.Context, t Target, app string) error {
	if c, err := s.credential(ctx, app, t.Name); err != nil || c != nil {
		return err
	}
	if reservedName(app, t) {
		return operate.Errorf(operate.Forbidden, "application %q cannot have rights on cluster %q: the name is reserved", app, t.Name)
	}
	_, err := operate.GetSCRAMUser(ctx, t.Client.Admin, app)
	switch {
	case err == nil:
		return operate.Errorf(operate.Conflict, "a Kafka user named %q exists on cluster %q that Gregor did not create for this application: "+
			"access or quotas for the application would go to it; name the application otherwise", app, t.Name)
	case isNotFound(err):
		return nil
	}
	return err
}

func regionNames(t Target) string {
	var ns []string
	for _, r := range t.Regions {
		ns = append(ns, strconv.Quote(r.Name))
	}
	return fmt.Sprint(ns)
}

// canDecide: topics and quotas use shared capacity, so the Kafka team (operators, admins)
// decides; access to a topic and more partitions for it are decided by the topic's owning
// team too.
func (s *Service) canDecide(ctx context.Context, a Actor, r store.Request) (bool, error) {
	if a.KafkaTeam() {
		return true, nil
	}
	if r.Kind != KindAccess && r.Kind != KindPartitions {
		return false, nil
	}
	var sp Spec
	if r.Kind == KindAccess && (json.Unmarshal([]byte(r.Spec), &sp) != nil || sp.Access == "consume" && !ownGroup(sp)) {
		return false, nil // a consumer group outside the application's own: shared, the Kafka team's call
	}
	team, err := s.ownerTeam(ctx, r.Cluster, r.Topic)
	return team != "" && a.InTeam(team), err
}

// visible: a request is seen by its requester, its team, and those who may decide it; to
// anyone else it does not exist (404), whatever they ask of it.
func (s *Service) visible(ctx context.Context, a Actor, r store.Request) (bool, error) {
	if r.Requester == a.User || a.InTeam(r.Team) {
		return true, nil
	}
	return s.canDecide(ctx, a, r)
}

// request reads a request the actor may see.
func (s *Service) request(ctx context.Context, a Actor, id int64) (store.Request, error) {
	r, err := s.st.GetRequest(ctx, id)
	if err == nil {
		var ok bool
		if ok, err = s.visible(ctx, a, r); err == nil && !ok {
			err = store.ErrNotFound
		}
	}
	return r, storeErr(fmt.Sprintf("request %d", id), err)
}

// ownerTeam is the team of the application owning a topic ("" when none does).
func (s *Service) ownerTeam(ctx context.Context, cluster, topic string) (string, error) {
	o, err := s.st.GetTopicOwner(ctx, cluster, topic)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	app, err := s.st.GetApplication(ctx, o.Application)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return app.Team, err
}

// Decide approves (then applies) or rejects a pending request.
func (s *Service) Decide(ctx context.Context, a Actor, id int64, approve bool, comment string) (*RequestView, error) {
	r, err := s.request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	ok, err := s.canDecide(ctx, a, r)
	if err != nil {
		return nil, err
	}
	if !ok {
		who := "the Kafka team (operators and admins)"
		var sp Spec
		_ = json.Unmarshal([]byte(r.Spec), &sp)
		switch {
		case r.Kind == KindAccess && sp.Access == "consume" && !ownGroup(sp):
			who += ", as it names a consumer group outside the application's own (" + sp.Application + ".*)"
		case r.Kind == KindAccess || r.Kind == KindPartitions:
			who = "the topic's owning team or the Kafka team"
		}
		return nil, operate.Errorf(operate.Forbidden, "%s request is decided by %s", article(r.Kind), who)
	}
	if r.State != store.RequestPending {
		return nil, operate.Errorf(operate.Conflict, "request %d is %s, not pending", id, r.State)
	}
	r.DecidedBy, r.Comment, r.UpdatedAt = a.User, comment, s.now().UTC()
	r.State = store.RequestRejected
	if approve {
		r.State = store.RequestApproved
	}
	if err := s.st.UpdateRequest(ctx, r, store.RequestPending); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, operate.Errorf(operate.Conflict, "request %d was decided by someone else meanwhile", id)
		}
		return nil, err
	}
	s.notify(ctx, Event{Request: r, Action: string(r.State), By: a.User})
	if approve {
		if r, err = s.apply(ctx, a, r); err != nil {
			return nil, err
		}
	}
	v := s.view(a, r)
	return &v, nil
}

// Retry applies again a request whose apply failed (the Kafka team).
func (s *Service) Retry(ctx context.Context, a Actor, id int64) (*RequestView, error) {
	if !a.KafkaTeam() {
		return nil, operate.Errorf(operate.Forbidden, "only the Kafka team (operators and admins) retries a failed request")
	}
	r, err := s.st.GetRequest(ctx, id)
	if err != nil {
		return nil, storeErr(fmt.Sprintf("request %d", id), err)
	}
	// One retry at a time here: a stale approved one's compare-and-set is on its state only.
	s.retryMu.Lock()
	defer s.retryMu.Unlock()
	if r, err = s.st.GetRequest(ctx, id); err != nil {
		return nil, storeErr(fmt.Sprintf("request %d", id), err)
	}
	from := r.State
	if from != store.RequestFailed && !s.staleApproved(r) {
		return nil, operate.Errorf(operate.Conflict, "request %d is %s; only a failed request (or one approved over %v ago whose outcome was never recorded) is retried", id, r.State, 2*applyTimeout)
	}
	r.State, r.UpdatedAt = store.RequestApproved, s.now().UTC()
	if err := s.st.UpdateRequest(ctx, r, from); err != nil {
		return nil, storeErr(fmt.Sprintf("request %d", id), err)
	}
	if r, err = s.apply(ctx, a, r); err != nil {
		return nil, err
	}
	v := s.view(a, r)
	return &v, nil
}

// Cancel withdraws a pending request (its requester, or an admin).
func (s *Service) Cancel(ctx context.Context, a Actor, id int64) (*RequestView, error) {
	r, err := s.request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if r.Requester != a.User && !a.Admin() {
		return nil, operate.Errorf(operate.Forbidden, "only the requester (or an admin) cancels a request")
	}
	if r.State != store.RequestPending {
		return nil, operate.Errorf(operate.Conflict, "request %d is %s, not pending", id, r.State)
	}
	r.State, r.UpdatedAt = store.RequestCancelled, s.now().UTC()
	if err := s.st.UpdateRequest(ctx, r, store.RequestPending); err != nil {
		return nil, storeErr(fmt.Sprintf("request %d", id), err)
	}
	s.notify(ctx, Event{Request: r, Action: "cancelled", By: a.User})
	v := s.view(a, r)
	return &v, nil
}

// Scopes of a request list.
const (
	ScopeMine  = "mine"  // filed by the actor
	ScopeTeam  = "team"  // of the actor's teams, or on their topics
	ScopeInbox = "inbox" // pending, and the actor may decide
	ScopeAll   = "all"   // every request (the Kafka team)
)

// List lists requests in a scope, filtered by state, kind, cluster and application.
func (s *Service) List(ctx context.Context, a Actor, scope string, f store.RequestFilter) ([]RequestView, int, error) {
	// keep, when set, filters the store's candidates here (paging after it): the store's team
	// filter also selects requests on the teams' topics, of which only those they may decide
	// are theirs to see.
	var keep func(store.Request) (bool, error)
	teams := a.Teams
	if teams == nil {
		teams = []string{}
	}
	switch scope {
	case ScopeMine, "":
		f.Requester = a.User
	case ScopeTeam:
		f.Teams = teams
		keep = func(r store.Request) (bool, error) { return s.visible(ctx, a, r) }
	case ScopeInbox:
		f.State = string(store.RequestPending)
		if !a.KafkaTeam() {
			f.Teams = teams
			keep = func(r store.Request) (bool, error) { return s.canDecide(ctx, a, r) }
		}
	case ScopeAll:
		if !a.KafkaTeam() {
			return nil, 0, operate.Errorf(operate.Forbidden, "only the Kafka team (operators and admins) lists every request; use scope mine, team or inbox")
		}
	default:
		return nil, 0, operate.Errorf(operate.Invalid, "scope must be one of mine, team, inbox, all")
	}
	lim, off := f.Limit, f.Offset
	if keep != nil {
		f.Limit, f.Offset = 0, 0
	}
	rs, total, err := s.st.ListRequests(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]RequestView, 0, len(rs))
	for _, r := range rs {
		if keep != nil {
			if ok, err := keep(r); err != nil {
				return nil, 0, err
			} else if !ok {
				continue
			}
		}
		v := s.view(a, r)
		if r.State == store.RequestPending {
			if v.CanDecide, err = s.canDecide(ctx, a, r); err != nil {
				return nil, 0, err
			}
		}
		out = append(out, v)
	}
	if keep != nil {
		total = len(out)
		out = out[min(off, total):]
		if lim > 0 && len(out) > lim {
			out = out[:lim]
		}
	}
	return slices.Clip(out), total, nil
}

// Get returns one request: to its requester, its team, the topic's owners and the Kafka team.
func (s *Service) Get(ctx context.Context, a Actor, id int64) (*RequestView, error) {
	r, err := s.request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	can, err := s.canDecide(ctx, a, r)
	if err != nil {
		return nil, err
	}
	v := s.view(a, r)
	v.CanDecide = can && r.State == store.RequestPending
	return &v, nil
}

// article is "a topic", "an access".
func article(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}
