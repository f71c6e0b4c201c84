package api

import (
	"github.com/gregor-kafka/gregor/internal/selfserve"
	"github.com/gregor-kafka/gregor/internal/snapshot"
)

// appRates fills an application's measured rates per cluster of its quotas, next to them.
func (s *Server) appRates(v *selfserve.AppView) {
	v.Rates = []selfserve.AppRate{}
	for _, q := range v.Quotas {
		c, ok := s.byName[q.Cluster]
		if !ok {
			continue
		}
		r := userRates(c.Latest(), v.Name)
		r.Cluster = q.Cluster
		r.ProducerByteRateCap, r.ConsumerByteRateCap = q.Values["producer_byte_rate"], q.Values["consumer_byte_rate"]
		v.Rates = append(v.Rates, r)
	}
}

// userRates reads a Kafka user's quota sensors from every broker's scraped metrics.
func userRates(snap *snapshot.Snapshot, user string) selfserve.AppRate {
	var r selfserve.AppRate
	if snap == nil {
		return r
	}
	for _, b := range snap.Brokers {
		for name, add := range map[string]func(float64){
			"kafka_server_produce_byte_rate":     func(x float64) { r.ProduceBytesPerSec += x },
			"kafka_server_fetch_byte_rate":       func(x float64) { r.FetchBytesPerSec += x },
			"kafka_server_produce_throttle_time": func(x float64) { r.ProduceThrottleMs = max(r.ProduceThrottleMs, x) },
			"kafka_server_fetch_throttle_time":   func(x float64) { r.FetchThrottleMs = max(r.FetchThrottleMs, x) },
		} {
			for _, sm := range b.Metrics[name] {
				if sm.Labels["user"] == user {
					r.Measured = true
					add(sm.Value)
				}
			}
		}
	}
	return r
}
