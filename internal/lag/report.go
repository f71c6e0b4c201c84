package lag

import "time"

// Report is the lag evaluation of one cluster's snapshot.
type Report struct {
	Time   time.Time               `json:"time"`
	Groups map[string]*GroupReport `json:"-"`
}

// GroupReport is one group's lag, status and health.
type GroupReport struct {
	ID      string `json:"group"`
	State   string `json:"state"`
	Type    string `json:"type"`
	Members int    `json:"members"`
	// EvaluatedAt is the cycle this evaluation is from (older than the report's when the
	// group's offsets could not be fetched since).
	EvaluatedAt time.Time `json:"evaluated_at"`
	GroupResult
	// LagMessages sums the lag of partitions with a commit; LagSeconds is the oldest
	// unconsumed message's age over all partitions (-1 unknown).
	LagMessages    int64             `json:"lag_messages"`
	LagSeconds     float64           `json:"lag_seconds"`
	WorstPartition *PartitionReport  `json:"worst_partition,omitempty"`
	Partitions     []PartitionReport `json:"partitions"`
	// Load is each member's share: partitions and lag; Skew their spread.
	Load             []MemberLoad   `json:"members_load"`
	Skew             Skew           `json:"skew"`
	Rebalances       RebalanceStats `json:"rebalances"`
	DeadLetterTopics []string       `json:"dead_letter_topics,omitempty"`
	Notes            []string       `json:"notes,omitempty"`
}

// PartitionReport is one partition of a group.
type PartitionReport struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	MemberID  string `json:"member_id,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Result
}

// MemberLoad is what one member carries.
type MemberLoad struct {
	ID         string `json:"member_id"`
	ClientID   string `json:"client_id"`
	Host       string `json:"host"`
	Partitions int    `json:"partitions"`
	Lag        int64  `json:"lag"`
}

// Skew is the spread of partitions and lag across members.
type Skew struct {
	MinPartitions int   `json:"min_partitions"`
	MaxPartitions int   `json:"max_partitions"`
	MinLag        int64 `json:"min_lag"`
	MaxLag        int64 `json:"max_lag"`
}

// Rebalance is one finished rebalance.
type Rebalance struct {
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
	Took  time.Duration `json:"took_ns"`
}

// RebalanceStats follow the group's state over the cycles Gregor has seen.
type RebalanceStats struct {
	State         string        `json:"state"`
	StateSince    time.Time     `json:"state_since"`
	LastHour      int           `json:"last_hour"`
	InProgressFor time.Duration `json:"in_progress_ns,omitempty"`
	Recent        []Rebalance   `json:"recent,omitempty"`
	// Epoch and EpochChangesLastHour follow a consumer-protocol (KIP-848) group's epoch,
	// which moves at every assignment change; -1 for classic groups.
	Epoch                int32 `json:"epoch"`
	EpochChangesLastHour int   `json:"epoch_changes_last_hour"`
}
