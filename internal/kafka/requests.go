package kafka

import (
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// requestCounter counts the requests written to brokers, per API key, so a collection cycle
// can say how many requests it cost.
type requestCounter struct {
	byKey [128]atomic.Int64
}

func (c *requestCounter) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if err == nil && key >= 0 && int(key) < len(c.byKey) {
		c.byKey[key].Add(1)
	}
}

// Requests is a count of requests by API name.
type Requests map[string]int64

// Total sums all requests.
func (r Requests) Total() (n int64) {
	for _, v := range r {
		n += v
	}
	return n
}

// Sub returns r - old, per API.
func (r Requests) Sub(old Requests) Requests {
	out := Requests{}
	for k, v := range r {
		if d := v - old[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

// Requests returns how many requests this client has sent, by API name (ApiVersions and
// SASL handshakes included).
func (c *Client) Requests() Requests {
	out := Requests{}
	for k := range c.reqs.byKey {
		if n := c.reqs.byKey[k].Load(); n > 0 {
			out[kmsg.NameForKey(int16(k))] = n
		}
	}
	return out
}
