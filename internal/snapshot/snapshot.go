// Package snapshot defines the Snapshot: everything one collection cycle learned about one
// cluster, immutable once published. It is the contract between collect and everything
// that reads cluster state (analysis, history, API).
package snapshot

import (
	"time"

	"github.com/gregor-kafka/gregor/internal/scrape"
)

// Snapshot is one cluster at one cycle. Do not modify a published snapshot.
type Snapshot struct {
	Cluster   string        `json:"cluster"`
	Time      time.Time     `json:"time"` // when the cycle started
	Took      time.Duration `json:"took_ns"`
	ClusterID string        `json:"cluster_id"`
	// ControllerID is the active controller (KRaft quorum leader when visible);
	// ControllerSource is "quorum" or "metadata".
	ControllerID     int32  `json:"controller_id"`
	ControllerSource string `json:"controller_source"`

	Brokers []*Broker         `json:"brokers"` // sorted by ID; includes brokers that did not answer
	Topics  map[string]*Topic `json:"-"`
	Groups  map[string]*Group `json:"-"`

	Errors   []PartError              `json:"errors,omitempty"`
	Timings  map[string]time.Duration `json:"timings_ns"`
	Requests int64                    `json:"requests"` // Kafka requests sent during the cycle

	Stats ClusterStats `json:"stats"`
	// Rates is true when the rates in Stats were derived from a previous snapshot (false on a
	// cluster's first cycle, where they are 0 for want of data, not for want of traffic).
	Rates bool `json:"rates"`
}

// Broker is one broker.
type Broker struct {
	ID        int32  `json:"id"`
	Host      string `json:"host"`
	Port      int32  `json:"port"`
	Rack      string `json:"rack,omitempty"`
	Reachable bool   `json:"reachable"`
	// Missing: not in the metadata but still a replica of some partition (down, fenced).
	Missing      bool   `json:"missing,omitempty"`
	Error        string `json:"error,omitempty"`
	KafkaVersion string `json:"kafka_version,omitempty"`
	// APIVersions is the highest version of each API key the broker answers.
	APIVersions map[int16]int16   `json:"-"`
	Configs     map[string]Config `json:"-"`
	LogDirs     []LogDir          `json:"log_dirs,omitempty"`
	// Metrics are the broker's scraped Prometheus series (nil when not configured or failed).
	Metrics      scrape.Metrics `json:"-"`
	MetricsError string         `json:"metrics_error,omitempty"`

	Stats BrokerStats `json:"stats"`
}

// LogDir is one log directory of a broker.
type LogDir struct {
	Path        string `json:"path"`
	TotalBytes  int64  `json:"total_bytes"`  // -1 when the broker does not say
	UsableBytes int64  `json:"usable_bytes"` // -1 when the broker does not say
	UsedBytes   int64  `json:"used_bytes"`   // sum of the replicas in it
	Error       string `json:"error,omitempty"`
}

// Config is one config value; sensitive values are never kept.
type Config struct {
	Value     string `json:"value"`
	Source    string `json:"source"` // default, static, dynamic_broker, dynamic_default, dynamic_topic, ...
	Sensitive bool   `json:"sensitive,omitempty"`
}

// Topic is one topic.
type Topic struct {
	Name       string            `json:"name"`
	ID         string            `json:"id,omitempty"`
	Internal   bool              `json:"internal"`
	Partitions []*Partition      `json:"partitions"` // index = partition id
	Configs    map[string]Config `json:"-"`
	Error      string            `json:"error,omitempty"`

	Stats TopicStats `json:"stats"`
}

// Partition is one partition.
type Partition struct {
	ID          int32   `json:"id"`
	Leader      int32   `json:"leader"`
	LeaderEpoch int32   `json:"leader_epoch"`
	Replicas    []int32 `json:"replicas"`
	ISR         []int32 `json:"isr"`
	Offline     []int32 `json:"offline,omitempty"`
	StartOffset int64   `json:"start_offset"` // -1 when unknown
	EndOffset   int64   `json:"end_offset"`   // -1 when unknown
	// ReplicaBytes is the size of each replica by broker id, from the log dirs.
	ReplicaBytes map[int32]int64 `json:"replica_bytes,omitempty"`
	Error        string          `json:"error,omitempty"`

	Stats PartitionStats `json:"stats"`
}

// Group is one consumer group of either protocol, or a simple consumer that only commits.
type Group struct {
	ID           string `json:"id"`
	State        string `json:"state"`
	Type         string `json:"type"`          // "classic" or "consumer" (KIP-848)
	ProtocolType string `json:"protocol_type"` // "consumer", "connect", or "" for offset-only groups
	Assignor     string `json:"assignor,omitempty"`
	Coordinator  int32  `json:"coordinator"`
	// Epoch is the group epoch of a consumer-protocol group (it moves at every assignment
	// change); -1 for classic groups, whose generation DescribeGroups does not give.
	Epoch   int32    `json:"epoch"`
	Members []Member `json:"members"`
	// Offsets are the committed offsets, topic -> partition -> offset.
	Offsets map[string]map[int32]int64 `json:"-"`
	Error   string                     `json:"error,omitempty"`

	Stats GroupStats `json:"stats"`
}

// Member is one member of a group.
type Member struct {
	ID         string             `json:"id"`
	InstanceID string             `json:"instance_id,omitempty"`
	ClientID   string             `json:"client_id"`
	Host       string             `json:"host"`
	Assignment map[string][]int32 `json:"assignment"`
}

// PartError is a part of the cycle that failed; the rest of the snapshot is still valid.
type PartError struct {
	Part   string `json:"part"`   // metadata, api_versions, quorum, configs, log_dirs, offsets, groups, metrics
	Broker int32  `json:"broker"` // NoBroker (-1) when the error is not one broker's
	Error  string `json:"error"`
}

// NoBroker marks a PartError that is not one broker's (broker ids start at 0).
const NoBroker int32 = -1

// Failed reports whether part (or the metadata, without which nothing is known) failed in
// this cycle, so what depends on it is unknown rather than zero.
func (s *Snapshot) Failed(part string) bool {
	for _, e := range s.Errors {
		if e.Part == part || e.Part == "metadata" {
			return true
		}
	}
	return false
}

// Lookup returns a partition.
func (s *Snapshot) Partition(topic string, p int32) *Partition {
	t := s.Topics[topic]
	if t == nil || p < 0 || int(p) >= len(t.Partitions) {
		return nil
	}
	return t.Partitions[p]
}

// Broker returns a broker by id.
func (s *Snapshot) Broker(id int32) *Broker {
	for _, b := range s.Brokers {
		if b.ID == id {
			return b
		}
	}
	return nil
}
