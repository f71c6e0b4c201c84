package analyze

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// Weights are the points a finding takes from its entity's score (docs/checks.md).
var Weights = map[Severity]int{Critical: 30, Warning: 10, Info: 2}

// InfoCap bounds what info findings take from one entity together.
const InfoCap = 10

// ClusterShares: the cluster's score also loses this share of what its worst broker, topic
// and group lost.
var ClusterShares = map[string]float64{KindBroker: 0.5, KindTopic: 0.3, KindGroup: 0.2}

// Deduction is one reason a score is below 100.
type Deduction struct {
	Points int    `json:"points"`
	Code   string `json:"code"`
	Title  string `json:"title"`
}

func (d Deduction) String() string { return fmt.Sprintf("-%d: %s", d.Points, d.Title) }

// Score is an entity's health, 0-100, with the deductions that explain it.
type Score struct {
	Entity     Entity      `json:"entity"`
	Score      int         `json:"score"`
	Deductions []Deduction `json:"deductions,omitempty"`
}

// Explain lists the deductions as "-30: 4 under-replicated partitions".
func (s Score) Explain() []string {
	out := make([]string, len(s.Deductions))
	for i, d := range s.Deductions {
		out[i] = d.String()
	}
	return out
}

// Health is the cluster's score and every broker's, topic's and group's, by name.
type Health struct {
	Cluster Score            `json:"cluster"`
	Brokers map[string]Score `json:"brokers"`
	Topics  map[string]Score `json:"topics"`
	Groups  map[string]Score `json:"groups"`
}

// partitionCodes are cluster findings that also take from each topic they affect: how many
// of the topic's partitions they concern, and the severity of the topic's deduction, judged
// on the topic's own partitions (never above the cluster finding's).
var partitionCodes = map[string]func(t *snapshot.Topic) (int, string, Severity){
	"cluster.offline_partitions": func(t *snapshot.Topic) (int, string, Severity) { return t.Stats.Offline, "offline", Critical },
	"cluster.under_min_isr": func(t *snapshot.Topic) (int, string, Severity) {
		return t.Stats.UnderMinISR, "under min.insync.replicas", Critical
	},
	"cluster.under_replicated": func(t *snapshot.Topic) (int, string, Severity) {
		return t.Stats.UnderReplicated, "under-replicated", underReplicatedSeverity(t)
	},
}

// underReplicatedSeverity is a topic's share of cluster.under_replicated: critical when one
// of its under-replicated partitions is down to a single in-sync copy (or none), as the
// cluster finding is; else a warning.
func underReplicatedSeverity(t *snapshot.Topic) Severity {
	for _, p := range t.Partitions {
		if p != nil && singleCopy(p) {
			return Critical
		}
	}
	return Warning
}

type scoreAcc struct {
	ded  []Deduction
	info int
}

func (a *scoreAcc) add(sev Severity, code, title string) {
	p := Weights[sev]
	if sev == Info {
		p = min(p, InfoCap-a.info)
		a.info += p
	}
	if p > 0 {
		a.ded = append(a.ded, Deduction{Points: p, Code: code, Title: title})
	}
}

func (a *scoreAcc) score(e Entity) Score {
	s := Score{Entity: e, Score: 100, Deductions: a.ded}
	sort.SliceStable(s.Deductions, func(i, j int) bool {
		x, y := s.Deductions[i], s.Deductions[j]
		return x.Points > y.Points || x.Points == y.Points && x.Code < y.Code
	})
	for _, d := range s.Deductions {
		s.Score -= d.Points
	}
	s.Score = max(s.Score, 0)
	return s
}

// Scores computes the health of in's cluster from its findings: each entity starts at 100
// and loses Weights[severity] per finding on it (info at most InfoCap together), never
// below 0; a partition-state finding of the cluster also takes from each topic it affects;
// the cluster then loses ClusterShares of what its worst broker, topic and group lost.
func Scores(in *Input, findings []Finding) Health {
	s := in.Snapshot
	nGroups := len(s.Groups)
	if in.Lag != nil {
		nGroups = max(nGroups, len(in.Lag.Groups))
	}
	accs := map[string]map[string]*scoreAcc{KindBroker: make(map[string]*scoreAcc, len(s.Brokers)),
		KindTopic: make(map[string]*scoreAcc, len(s.Topics)), KindGroup: make(map[string]*scoreAcc, nGroups)}
	for _, b := range s.Brokers {
		accs[KindBroker][strconv.Itoa(int(b.ID))] = &scoreAcc{}
	}
	for name := range s.Topics {
		accs[KindTopic][name] = &scoreAcc{}
	}
	for id := range s.Groups {
		accs[KindGroup][id] = &scoreAcc{}
	}
	if in.Lag != nil {
		for id := range in.Lag.Groups {
			if accs[KindGroup][id] == nil {
				accs[KindGroup][id] = &scoreAcc{}
			}
		}
	}
	cluster := &scoreAcc{}
	for _, f := range findings {
		if f.Entity.Kind == KindCluster {
			cluster.add(f.Severity, f.Code, f.Title)
			if affected := partitionCodes[f.Code]; affected != nil {
				for name, t := range s.Topics {
					if n, what, sev := affected(t); n > 0 {
						accs[KindTopic][name].add(min(sev, f.Severity), f.Code, plural(n, what+" partition", what+" partitions"))
					}
				}
			}
			continue
		}
		byName := accs[f.Entity.Kind]
		if byName == nil {
			continue
		}
		a := byName[f.Entity.Name]
		if a == nil {
			a = &scoreAcc{}
			byName[f.Entity.Name] = a
		}
		a.add(f.Severity, f.Code, f.Title)
	}
	h := Health{Brokers: make(map[string]Score, len(accs[KindBroker])), Topics: make(map[string]Score, len(accs[KindTopic])),
		Groups: make(map[string]Score, len(accs[KindGroup]))}
	out := map[string]map[string]Score{KindBroker: h.Brokers, KindTopic: h.Topics, KindGroup: h.Groups}
	for _, kind := range []string{KindBroker, KindTopic, KindGroup} {
		worst, worstName := 100, ""
		for name, a := range accs[kind] {
			sc := a.score(Entity{Kind: kind, Cluster: s.Cluster, Name: name})
			out[kind][name] = sc
			if sc.Score < worst || sc.Score == worst && name < worstName {
				worst, worstName = sc.Score, name
			}
		}
		if p := int(math.Round(ClusterShares[kind] * float64(100-worst))); p > 0 {
			cluster.ded = append(cluster.ded, Deduction{Points: p, Code: "health." + kind,
				Title: fmt.Sprintf("worst %s %s scores %d (%g × %d lost)", kind, worstName, worst, ClusterShares[kind], 100-worst)})
		}
	}
	h.Cluster = cluster.score(Entity{Kind: KindCluster, Cluster: s.Cluster})
	return h
}
