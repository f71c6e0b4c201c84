package auth

import "fmt"

// Kind classifies an *Error. The HTTP layer maps kinds to status codes; this package
// knows nothing of HTTP statuses.
type Kind int

const (
	BadRequest Kind = iota + 1
	Unauthorized
	Forbidden
	NotFound
	Conflict
	Unavailable // a service Gregor depends on (the login provider) cannot be reached
)

// Error is an error whose message is safe to show the user: it never contains a password,
// token, cookie value or CSRF token. Errors of other types come from the store and are
// internal.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func errorf(k Kind, format string, a ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, a...)}
}
