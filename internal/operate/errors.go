// Package operate runs the changes Gregor makes to a Kafka cluster, each a plan first: topics,
// partitions, configs, offsets, records, ACLs, SCRAM users, quotas. Kafka's errors become
// messages a user understands (Explain).
package operate

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Kind says what sort of failure an *Error is, for the API to map onto a status.
type Kind int

const (
	Invalid     Kind = iota + 1 // the request is wrong (bad name, bad config, too many replicas)
	NotFound                    // no such topic, group, user, ACL
	Conflict                    // exists already, or the state forbids it (a group with members)
	Forbidden                   // Kafka refused Gregor's own credentials
	Unavailable                 // the cluster did not answer in time, or no controller
)

// Error is a failure with a message safe and useful to show a user.
type Error struct {
	Kind Kind
	Msg  string
	Err  error // the Kafka error, for logs and errors.Is
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error.
func Errorf(k Kind, format string, a ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, a...)}
}

// Explain turns a Kafka or network error about what into an *Error a user understands;
// nil stays nil and an *Error passes through.
func Explain(what string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	wrap := func(k Kind, msg string) error { return &Error{Kind: k, Msg: what + ": " + msg, Err: err} }
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch ke {
		case kerr.TopicAlreadyExists:
			return wrap(Conflict, "the topic already exists")
		case kerr.UnknownTopicOrPartition, kerr.UnknownTopicID:
			return wrap(NotFound, "no such topic or partition")
		case kerr.GroupIDNotFound:
			return wrap(NotFound, "no such consumer group")
		case kerr.NonEmptyGroup:
			return wrap(Conflict, "the group has active members; stop its consumers first")
		case kerr.InvalidReplicationFactor:
			return wrap(Invalid, "the replication factor is larger than the number of available brokers")
		case kerr.InvalidPartitions:
			return wrap(Invalid, "invalid number of partitions (it can only grow, and must be at least 1)")
		case kerr.InvalidTopicException:
			return wrap(Invalid, "invalid topic name (letters, digits, '.', '_', '-'; at most 249 characters)")
		case kerr.InvalidConfig:
			return wrap(Invalid, "invalid config: "+detail(ke))
		case kerr.PolicyViolation:
			return wrap(Invalid, "refused by the cluster's create/alter policy: "+detail(ke))
		case kerr.TopicAuthorizationFailed, kerr.GroupAuthorizationFailed, kerr.ClusterAuthorizationFailed,
			kerr.TransactionalIDAuthorizationFailed, kerr.DelegationTokenAuthorizationFailed:
			return wrap(Forbidden, "Gregor's Kafka user is not authorized for this ("+ke.Message+"); grant it the ACL or run it with an admin user")
		case kerr.SecurityDisabled:
			return wrap(Invalid, "the cluster has no authorizer or SASL: "+detail(ke))
		case kerr.RequestTimedOut, kerr.NotController, kerr.CoordinatorNotAvailable, kerr.CoordinatorLoadInProgress,
			kerr.LeaderNotAvailable, kerr.NotLeaderForPartition, kerr.BrokerNotAvailable:
			return wrap(Unavailable, "the cluster did not complete it in time ("+ke.Message+"); try again")
		case kerr.ResourceNotFound:
			return wrap(NotFound, "not found")
		}
		return wrap(Invalid, ke.Message+" ("+detail(ke)+")")
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return wrap(Unavailable, "the cluster did not answer in time; try again")
	}
	return wrap(Unavailable, err.Error())
}

func detail(ke *kerr.Error) string {
	if ke.Description != "" {
		return ke.Description
	}
	return ke.Message
}
