package snapshot

import (
	"sort"
	"strconv"
)

// PartitionStats are derived per partition.
type PartitionStats struct {
	SizeBytes        int64   `json:"size_bytes"` // the leader replica's size (largest replica when leaderless)
	Messages         int64   `json:"messages"`   // end - start offset
	MessagesInPerSec float64 `json:"messages_in_per_sec"`
	BytesInPerSec    float64 `json:"bytes_in_per_sec"`
	UnderReplicated  bool    `json:"under_replicated"`
	UnderMinISR      bool    `json:"under_min_isr"`
	Offline          bool    `json:"offline"`
}

// TopicStats are derived per topic.
type TopicStats struct {
	Partitions        int     `json:"partitions"`
	ReplicationFactor int     `json:"replication_factor"`
	MinISR            int     `json:"min_insync_replicas"`
	SizeBytes         int64   `json:"size_bytes"`    // leaders
	ReplicaBytes      int64   `json:"replica_bytes"` // all replicas
	Messages          int64   `json:"messages"`
	MessagesInPerSec  float64 `json:"messages_in_per_sec"`
	BytesInPerSec     float64 `json:"bytes_in_per_sec"`
	UnderReplicated   int     `json:"under_replicated"`
	UnderMinISR       int     `json:"under_min_isr"`
	Offline           int     `json:"offline"`
}

// BrokerStats are derived per broker.
type BrokerStats struct {
	Leaders          int     `json:"leaders"`
	Replicas         int     `json:"replicas"`
	DiskUsedBytes    int64   `json:"disk_used_bytes"`
	DiskTotalBytes   int64   `json:"disk_total_bytes"`    // -1 when unknown
	DiskUsableBytes  int64   `json:"disk_usable_bytes"`   // -1 when unknown
	MessagesInPerSec float64 `json:"messages_in_per_sec"` // into the partitions it leads
	BytesInPerSec    float64 `json:"bytes_in_per_sec"`
	UnderReplicated  int     `json:"under_replicated"` // of the partitions it leads
}

// GroupStats are derived per group.
type GroupStats struct {
	Members int      `json:"members"`
	Topics  []string `json:"topics"` // with committed offsets or assigned
	// Lag is the sum over partitions with a commit of end - committed (never negative);
	// Group.PartitionLag gives each partition's.
	Lag int64 `json:"lag"`
}

// ClusterStats are derived for the cluster.
type ClusterStats struct {
	Brokers          int     `json:"brokers"`
	BrokersReachable int     `json:"brokers_reachable"`
	Topics           int     `json:"topics"`
	Partitions       int     `json:"partitions"`
	Replicas         int     `json:"replicas"`
	UnderReplicated  int     `json:"under_replicated"`
	UnderMinISR      int     `json:"under_min_isr"`
	Offline          int     `json:"offline"`
	MessagesInPerSec float64 `json:"messages_in_per_sec"`
	BytesInPerSec    float64 `json:"bytes_in_per_sec"`
	SizeBytes        int64   `json:"size_bytes"`
	DiskUsedBytes    int64   `json:"disk_used_bytes"`
	Groups           int     `json:"groups"`
	Lag              int64   `json:"lag"`
}

// Derive fills the Stats of cur, using prev (the cluster's last snapshot whose metadata and
// offsets were read, or nil) for rates. It is a pure function of the two snapshots.
func Derive(prev, cur *Snapshot) {
	dt := 0.0
	if prev != nil {
		dt = cur.Time.Sub(prev.Time).Seconds()
	}
	cur.Rates = dt > 0 && !cur.Failed("offsets") && !prev.Failed("offsets")
	cs := &cur.Stats
	*cs = ClusterStats{Brokers: len(cur.Brokers), Topics: len(cur.Topics), Groups: len(cur.Groups)}
	brokers := make(map[int32]*BrokerStats, len(cur.Brokers))
	for _, b := range cur.Brokers {
		b.Stats = BrokerStats{DiskTotalBytes: -1, DiskUsableBytes: -1}
		for _, d := range b.LogDirs {
			b.Stats.DiskUsedBytes += d.UsedBytes
			if d.TotalBytes >= 0 {
				b.Stats.DiskTotalBytes = max(b.Stats.DiskTotalBytes, 0) + d.TotalBytes
				b.Stats.DiskUsableBytes = max(b.Stats.DiskUsableBytes, 0) + d.UsableBytes
			}
		}
		if b.Reachable {
			cs.BrokersReachable++
		}
		cs.DiskUsedBytes += b.Stats.DiskUsedBytes
		brokers[b.ID] = &b.Stats
	}
	for name, t := range cur.Topics {
		var pt *Topic
		if prev != nil {
			pt = prev.Topics[name]
		}
		deriveTopic(pt, t, dt, brokers)
		ts := t.Stats
		cs.Partitions += ts.Partitions
		cs.Replicas += ts.Partitions * ts.ReplicationFactor
		cs.UnderReplicated += ts.UnderReplicated
		cs.UnderMinISR += ts.UnderMinISR
		cs.Offline += ts.Offline
		cs.MessagesInPerSec += ts.MessagesInPerSec
		cs.BytesInPerSec += ts.BytesInPerSec
		cs.SizeBytes += ts.SizeBytes
	}
	for _, g := range cur.Groups {
		deriveGroup(cur, g)
		cs.Lag += g.Stats.Lag
	}
}

func deriveTopic(prev, t *Topic, dt float64, brokers map[int32]*BrokerStats) {
	s := TopicStats{Partitions: len(t.Partitions), MinISR: 1}
	if v, err := strconv.Atoi(t.Configs["min.insync.replicas"].Value); err == nil && v > 0 {
		s.MinISR = v
	}
	for _, p := range t.Partitions {
		ps := PartitionStats{SizeBytes: p.ReplicaBytes[p.Leader]}
		if _, ok := p.ReplicaBytes[p.Leader]; !ok {
			for _, sz := range p.ReplicaBytes {
				ps.SizeBytes = max(ps.SizeBytes, sz)
			}
		}
		for _, sz := range p.ReplicaBytes {
			s.ReplicaBytes += sz
		}
		if p.StartOffset >= 0 && p.EndOffset >= p.StartOffset {
			ps.Messages = p.EndOffset - p.StartOffset
		}
		ps.Offline = p.Leader < 0
		ps.UnderReplicated = len(p.ISR) < len(p.Replicas)
		ps.UnderMinISR = len(p.ISR) < s.MinISR
		if prev != nil && dt > 0 && int(p.ID) < len(prev.Partitions) {
			pp := prev.Partitions[p.ID]
			if pp.EndOffset >= 0 && p.EndOffset >= pp.EndOffset {
				ps.MessagesInPerSec = float64(p.EndOffset-pp.EndOffset) / dt
			}
			grown := ps.SizeBytes - pp.Stats.SizeBytes
			switch {
			case grown >= 0 && pp.Stats.SizeBytes > 0:
				ps.BytesInPerSec = float64(grown) / dt
			case ps.Messages > 0:
				// Segments were deleted (or no size before): estimate from the average
				// message size.
				ps.BytesInPerSec = ps.MessagesInPerSec * float64(ps.SizeBytes) / float64(ps.Messages)
			}
		}
		p.Stats = ps
		s.ReplicationFactor = max(s.ReplicationFactor, len(p.Replicas))
		s.SizeBytes += ps.SizeBytes
		s.Messages += ps.Messages
		s.MessagesInPerSec += ps.MessagesInPerSec
		s.BytesInPerSec += ps.BytesInPerSec
		if ps.UnderReplicated {
			s.UnderReplicated++
		}
		if ps.UnderMinISR {
			s.UnderMinISR++
		}
		if ps.Offline {
			s.Offline++
		}
		if b := brokers[p.Leader]; b != nil {
			b.Leaders++
			b.MessagesInPerSec += ps.MessagesInPerSec
			b.BytesInPerSec += ps.BytesInPerSec
			if ps.UnderReplicated {
				b.UnderReplicated++
			}
		}
		for _, r := range p.Replicas {
			if b := brokers[r]; b != nil {
				b.Replicas++
			}
		}
	}
	t.Stats = s
}

func deriveGroup(cur *Snapshot, g *Group) {
	s := GroupStats{Members: len(g.Members)}
	topics := map[string]bool{}
	for topic, parts := range g.Offsets {
		topics[topic] = true
		for p := range parts {
			if lag, ok := g.PartitionLag(cur, topic, p); ok {
				s.Lag += lag
			}
		}
	}
	for _, m := range g.Members {
		for topic := range m.Assignment {
			topics[topic] = true
		}
	}
	for t := range topics {
		s.Topics = append(s.Topics, t)
	}
	sort.Strings(s.Topics)
	g.Stats = s
}

// PartitionLag is end - committed (never negative) for a partition of g in s; false when the
// group has no commit for it or its end offset is unknown (never 0 then).
func (g *Group) PartitionLag(s *Snapshot, topic string, p int32) (int64, bool) {
	committed, ok := g.Offsets[topic][p]
	pp := s.Partition(topic, p)
	if !ok || committed < 0 || pp == nil || pp.EndOffset < 0 {
		return 0, false
	}
	return max(pp.EndOffset-committed, 0), true
}
