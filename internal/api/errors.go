package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gregor-kafka/gregor/internal/auth"
	"github.com/gregor-kafka/gregor/internal/operate"
	"github.com/gregor-kafka/gregor/internal/store"
)

// Kind classifies an API error; statusOf maps kinds to HTTP status in one place.
type Kind int

const (
	KindInternal Kind = iota
	KindBadRequest
	KindUnauthorized
	KindForbidden
	KindNotFound
	KindConflict
	KindUnavailable
	KindTooManyRequests
)

var kinds = map[Kind]struct {
	status int
	code   string
}{
	KindInternal:        {http.StatusInternalServerError, "internal"},
	KindBadRequest:      {http.StatusBadRequest, "bad_request"},
	KindUnauthorized:    {http.StatusUnauthorized, "unauthorized"},
	KindForbidden:       {http.StatusForbidden, "forbidden"},
	KindNotFound:        {http.StatusNotFound, "not_found"},
	KindConflict:        {http.StatusConflict, "conflict"},
	KindUnavailable:     {http.StatusServiceUnavailable, "unavailable"},
	KindTooManyRequests: {http.StatusTooManyRequests, "too_many_requests"},
}

// Error is an error with a kind and a message safe to show a user.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

// errorf builds an *Error.
func errorf(k Kind, msg string) *Error { return &Error{Kind: k, Message: msg} }

// authKinds maps the auth package's error kinds onto the API's.
var authKinds = map[auth.Kind]Kind{
	auth.BadRequest:   KindBadRequest,
	auth.Unauthorized: KindUnauthorized,
	auth.Forbidden:    KindForbidden,
	auth.NotFound:     KindNotFound,
	auth.Conflict:     KindConflict,
	auth.Unavailable:  KindUnavailable,
}

type envelope struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError writes the one error envelope: {"error": {"code", "message"}}. Errors that are
// not *Error are internal: logged, and shown to the user without their detail.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *Error
	var authErr *auth.Error
	var opErr *operate.Error
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &opErr):
		ae = operateErr(opErr).(*Error)
	case errors.As(err, &authErr):
		ae = errorf(authKinds[authErr.Kind], authErr.Msg)
	case errors.Is(err, store.ErrNotFound):
		ae = errorf(KindNotFound, "not found")
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = errorf(KindInternal, "internal error; see the server log")
	}
	if ae.Kind == KindUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gregor", Basic realm="gregor"`)
	}
	k := kinds[ae.Kind]
	var env envelope
	env.Error.Code, env.Error.Message = k.code, ae.Message
	writeJSON(w, k.status, env)
}

// answer writes v with status, or err.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// recoverer turns a panic in a handler into a 500 envelope instead of a dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				s.writeError(w, r, errorf(KindInternal, "internal error; see the server log"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
