package config

import (
	"fmt"
	"regexp"
	"time"
)

// Checks are the thresholds of the findings (docs/checks.md). Zero values take the defaults;
// a cluster's own checks section overrides single values of the top-level one.
type Checks struct {
	// Profile is the tuning profile the config advisor compares with: throughput, latency,
	// durability or availability ("" off).
	Profile string `yaml:"profile"`
	// IdleMin: request-handler and network-processor idle ratios below it warn (0.3), below
	// half of it are critical.
	IdleMin float64 `yaml:"idle_min"`
	// DiskWarn/DiskCrit: log dir used share that warns (0.80) or is critical (0.90).
	DiskWarn float64 `yaml:"disk_warn"`
	DiskCrit float64 `yaml:"disk_crit"`
	// DiskFullWarn/DiskFullCrit: a forecast of a full log dir sooner than this warns (48h) or
	// is critical (12h). ForecastWindow is the history the trend is fitted on (6h).
	DiskFullWarn   time.Duration `yaml:"disk_full_warn"`
	DiskFullCrit   time.Duration `yaml:"disk_full_crit"`
	ForecastWindow time.Duration `yaml:"forecast_window"`
	// LogDirCapacityBytes, when set, is the size assumed for every log dir instead of its
	// volume's (a volume shared with other data, a quota; or a test): usage and the disk-full
	// forecast are held against it.
	LogDirCapacityBytes float64 `yaml:"log_dir_capacity_bytes"`
	// NICBytesPerSec is each broker's network capacity in bytes/s in one direction (NICs
	// are full duplex; 0: no network check); the busier of in and out above NetworkWarn (0.7)
	// of it warns, and a forecast of reaching it within DiskFullWarn too.
	NICBytesPerSec float64 `yaml:"nic_bytes_per_sec"`
	NetworkWarn    float64 `yaml:"network_warn"`
	// SkewMax: a broker's leaders or replicas further than this share from the mean warn (0.2).
	SkewMax float64 `yaml:"skew_max"`
	// ReplicaLagMax: replica fetcher max lag in messages that warns (10000).
	ReplicaLagMax float64 `yaml:"replica_lag_max"`
	// GCShareMax: share of time in GC that warns (0.05); HeapAfterGCMax: old-gen heap used
	// after GC as a share of max that warns (0.8); FDMax: open file descriptors as a share
	// of the limit that warns (0.8).
	GCShareMax     float64 `yaml:"gc_share_max"`
	HeapAfterGCMax float64 `yaml:"heap_after_gc_max"`
	FDMax          float64 `yaml:"fd_max"`
	// ControllerMovesMax: controller moves in the last hour that warn (3).
	ControllerMovesMax int `yaml:"controller_moves_max"`
	// PartitionBytesPerSec: per-partition write rate above which a topic has too few
	// partitions (5 MiB/s).
	PartitionBytesPerSec float64 `yaml:"partition_bytes_per_sec"`
	// HotPartitionRatio: a partition with this many times the topic's mean size or rate is
	// hot (3).
	HotPartitionRatio float64 `yaml:"hot_partition_ratio"`
	// UnusedAfter: a topic with no writes for this long and no consuming group is unused (168h).
	UnusedAfter time.Duration `yaml:"unused_after"`
	// RebalancesMax: rebalances in the last hour that warn (4).
	RebalancesMax int `yaml:"rebalances_max"`
	// DeadLetter are regular expressions for dead-letter topic names
	// (default (?i)(dlq|dead[-_.]?letter)).
	DeadLetter []string `yaml:"dead_letter"`
}

// DefaultChecks are the defaults.
var DefaultChecks = Checks{IdleMin: 0.3, DiskWarn: 0.8, DiskCrit: 0.9, DiskFullWarn: 48 * time.Hour,
	DiskFullCrit: 12 * time.Hour, ForecastWindow: 6 * time.Hour, NetworkWarn: 0.7, SkewMax: 0.2,
	ReplicaLagMax: 10000, GCShareMax: 0.05, HeapAfterGCMax: 0.8, FDMax: 0.8, ControllerMovesMax: 3,
	PartitionBytesPerSec: 5 << 20, HotPartitionRatio: 3, UnusedAfter: 7 * 24 * time.Hour,
	RebalancesMax: 4, DeadLetter: []string{`(?i)(dlq|dead[-_.]?letter)`}}

// Profiles the config advisor knows.
var Profiles = []string{"throughput", "latency", "durability", "availability"}

// Over returns c with every non-zero value of o put over it.
func (c Checks) Over(o *Checks) Checks {
	if o == nil {
		return c
	}
	set := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	setD := func(dst *time.Duration, v time.Duration) {
		if v != 0 {
			*dst = v
		}
	}
	setI := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	if o.Profile != "" {
		c.Profile = o.Profile
	}
	set(&c.IdleMin, o.IdleMin)
	set(&c.DiskWarn, o.DiskWarn)
	set(&c.DiskCrit, o.DiskCrit)
	setD(&c.DiskFullWarn, o.DiskFullWarn)
	setD(&c.DiskFullCrit, o.DiskFullCrit)
	setD(&c.ForecastWindow, o.ForecastWindow)
	set(&c.NICBytesPerSec, o.NICBytesPerSec)
	set(&c.LogDirCapacityBytes, o.LogDirCapacityBytes)
	set(&c.NetworkWarn, o.NetworkWarn)
	set(&c.SkewMax, o.SkewMax)
	set(&c.ReplicaLagMax, o.ReplicaLagMax)
	set(&c.GCShareMax, o.GCShareMax)
	set(&c.HeapAfterGCMax, o.HeapAfterGCMax)
	set(&c.FDMax, o.FDMax)
	setI(&c.ControllerMovesMax, o.ControllerMovesMax)
	set(&c.PartitionBytesPerSec, o.PartitionBytesPerSec)
	set(&c.HotPartitionRatio, o.HotPartitionRatio)
	setD(&c.UnusedAfter, o.UnusedAfter)
	setI(&c.RebalancesMax, o.RebalancesMax)
	if len(o.DeadLetter) > 0 {
		c.DeadLetter = o.DeadLetter
	}
	return c
}

func (c *Checks) validate(p string) []error {
	if c == nil {
		return nil
	}
	var errs []error
	bad := func(f, format string, args ...any) {
		errs = append(errs, fieldError{p + "." + f, fmt.Sprintf(format, args...)})
	}
	if c.Profile != "" && !contains(Profiles, c.Profile) {
		bad("profile", "%q is not one of throughput, latency, durability, availability", c.Profile)
	}
	for name, v := range map[string]float64{"idle_min": c.IdleMin, "disk_warn": c.DiskWarn, "disk_crit": c.DiskCrit,
		"network_warn": c.NetworkWarn, "gc_share_max": c.GCShareMax, "heap_after_gc_max": c.HeapAfterGCMax, "fd_max": c.FDMax} {
		if v < 0 || v > 1 {
			bad(name, "%v is not a share between 0 and 1", v)
		}
	}
	for name, v := range map[string]float64{"nic_bytes_per_sec": c.NICBytesPerSec, "log_dir_capacity_bytes": c.LogDirCapacityBytes, "skew_max": c.SkewMax,
		"replica_lag_max": c.ReplicaLagMax, "partition_bytes_per_sec": c.PartitionBytesPerSec, "hot_partition_ratio": c.HotPartitionRatio} {
		if v < 0 {
			bad(name, "must not be negative")
		}
	}
	for name, v := range map[string]time.Duration{"disk_full_warn": c.DiskFullWarn, "disk_full_crit": c.DiskFullCrit,
		"forecast_window": c.ForecastWindow, "unused_after": c.UnusedAfter} {
		if v < 0 {
			bad(name, "must not be negative")
		}
	}
	if c.ControllerMovesMax < 0 || c.RebalancesMax < 0 {
		bad("", "counts must not be negative")
	}
	for i, re := range c.DeadLetter {
		if _, err := regexp.Compile(re); err != nil {
			bad(fmt.Sprintf("dead_letter[%d]", i), "not a regular expression: %v", err)
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
