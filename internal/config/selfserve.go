package config

import (
	"fmt"
	"net"
	"slices"
)

// Region is a named group of a cluster's brokers used as a logical cluster: topics
// requested in it get their replicas only on its brokers.
type Region struct {
	Name    string  `yaml:"name"`
	Brokers []int32 `yaml:"brokers"`
}

// Clients is how applications connect to a cluster, as the discovery endpoint tells them.
// Each field defaults from the cluster's own connection: Bootstrap from bootstrap,
// SecurityProtocol from tls/sasl, Mechanism SCRAM-SHA-512 (the applications' credentials).
type Clients struct {
	Bootstrap        []string `yaml:"bootstrap"`
	SecurityProtocol string   `yaml:"security_protocol"` // PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL
	Mechanism        string   `yaml:"mechanism"`         // SCRAM-SHA-256 or SCRAM-SHA-512
}

// ClientsOf is how applications connect to cl, defaults filled in.
func ClientsOf(cl *Cluster) Clients {
	var c Clients
	if cl.Clients != nil {
		c = *cl.Clients
	}
	if len(c.Bootstrap) == 0 {
		c.Bootstrap = cl.Bootstrap
	}
	if c.Mechanism == "" {
		c.Mechanism = MechScramSHA512
	}
	if c.SecurityProtocol == "" {
		switch {
		case cl.TLS != nil && cl.SASL != nil:
			c.SecurityProtocol = "SASL_SSL"
		case cl.TLS != nil:
			c.SecurityProtocol = "SSL"
		case cl.SASL != nil:
			c.SecurityProtocol = "SASL_PLAINTEXT"
		default:
			c.SecurityProtocol = "PLAINTEXT"
		}
	}
	return c
}

func validateSelfServe(p string, cl *Cluster) []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fieldError{field, fmt.Sprintf(format, args...)})
	}
	names, owner := map[string]bool{}, map[int32]string{}
	for i, r := range cl.Regions {
		rp := fmt.Sprintf("%s.regions[%d]", p, i)
		switch {
		case r.Name == "":
			bad(rp+".name", "required")
		case !validName(r.Name):
			bad(rp+".name", "%q may only hold letters, digits, '.', '_' and '-'", r.Name)
		case names[r.Name]:
			bad(rp+".name", "%q is used by another region of the cluster", r.Name)
		}
		names[r.Name] = true
		if len(r.Brokers) == 0 {
			bad(rp+".brokers", "required: the broker ids of the region")
		}
		for _, b := range r.Brokers {
			switch {
			case b < 0:
				bad(rp+".brokers", "broker id %d is negative", b)
			case owner[b] != "":
				bad(rp+".brokers", "broker %d is already in region %q (a broker is in one region at most)", b, owner[b])
			}
			owner[b] = r.Name
		}
	}
	if c := cl.Clients; c != nil {
		for j, addr := range c.Bootstrap {
			if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
				bad(fmt.Sprintf("%s.clients.bootstrap[%d]", p, j), "%q is not host:port", addr)
			}
		}
		if c.SecurityProtocol != "" && !slices.Contains([]string{"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}, c.SecurityProtocol) {
			bad(p+".clients.security_protocol", "%q is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL", c.SecurityProtocol)
		}
		if c.Mechanism != "" && c.Mechanism != MechScramSHA256 && c.Mechanism != MechScramSHA512 {
			bad(p+".clients.mechanism", "%q is not one of SCRAM-SHA-256, SCRAM-SHA-512 (applications get SCRAM credentials)", c.Mechanism)
		}
	}
	return errs
}
