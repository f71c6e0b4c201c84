package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
	"github.com/gregor-kafka/gregor/internal/bundle"
	"github.com/gregor-kafka/gregor/internal/config"
	"github.com/gregor-kafka/gregor/internal/notify"
)

// alertErr maps the alert package's errors onto API kinds (their messages are safe).
func alertErr(err error) error {
	switch {
	case errors.Is(err, alert.ErrNotFound):
		return errorf(KindNotFound, err.Error())
	case errors.Is(err, alert.ErrInvalid):
		return errorf(KindBadRequest, err.Error())
	case errors.Is(err, alert.ErrConflict):
		return errorf(KindConflict, err.Error())
	}
	return err
}

// withAlerts answers 503 when alerting is not running (tests, a server without a store).
func (s *Server) withAlerts(h func(w http.ResponseWriter, r *http.Request, m *alert.Manager)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.alerts == nil {
			s.writeError(w, r, errorf(KindUnavailable, "alerting is not running"))
			return
		}
		h(w, r, s.alerts)
	}
}

// handleAlerts lists alerts: ?cluster, state (pending, firing, resolved), severity, silenced.
func (s *Server) handleAlerts() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		v := r.URL.Query()
		if _, err := s.clustersOf(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		minSev := v.Get("severity")
		f := alert.AlertFilter{Cluster: v.Get("cluster"), State: alert.State(v.Get("state"))}
		switch f.State {
		case "", alert.StatePending, alert.StateFiring, alert.StateResolved:
		default:
			s.writeError(w, r, errorf(KindBadRequest, "state must be pending, firing or resolved"))
			return
		}
		if minSev != "" && !validSeverity(minSev) {
			s.writeError(w, r, errorf(KindBadRequest, "severity must be info, warning or critical"))
			return
		}
		if sv := v.Get("silenced"); sv != "" {
			b, err := strconv.ParseBool(sv)
			if err != nil {
				s.writeError(w, r, errorf(KindBadRequest, "silenced must be true or false"))
				return
			}
			f.Silenced = &b
		}
		// severity is the lowest shown, as on /findings.
		items := []alert.AlertView{}
		for _, a := range m.Alerts(f) {
			if minSev == "" || severityRank(a.Severity) >= severityRank(minSev) {
				items = append(items, a)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	})
}

func (s *Server) handleAlert() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		a, err := m.Alert(r.PathValue("fingerprint"))
		if err != nil {
			s.writeError(w, r, alertErr(err))
			return
		}
		writeJSON(w, http.StatusOK, a)
	})
}

// handleNotifications is the notification log, newest first: ?limit (default 100).
func (s *Server) handleNotifications() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		limit := 100
		if l := r.URL.Query().Get("limit"); l != "" {
			var err error
			if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > maxLimit {
				s.writeError(w, r, errorf(KindBadRequest, "limit must be an integer from 1 to "+strconv.Itoa(maxLimit)))
				return
			}
		}
		log, err := m.NotificationLog(r.Context(), limit)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if log == nil {
			log = []alert.NotificationEntry{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": log})
	})
}

func (s *Server) handleSilences() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		items := m.Silences()
		if items == nil {
			items = []alert.Silence{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	})
}

// silenceBody creates a silence: ends_at, or a duration from starts_at (default now).
type silenceBody struct {
	Matchers []alert.Matcher `json:"matchers"`
	StartsAt time.Time       `json:"starts_at"`
	EndsAt   time.Time       `json:"ends_at"`
	Duration string          `json:"duration"`
	Comment  string          `json:"comment"`
}

func (s *Server) handleCreateSilence() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		var b silenceBody
		if err := decode(r, &b); err != nil {
			s.writeError(w, r, err)
			return
		}
		if b.Duration != "" {
			d, err := time.ParseDuration(b.Duration)
			if err != nil || d <= 0 || !b.EndsAt.IsZero() {
				s.writeError(w, r, errorf(KindBadRequest, "duration must be a positive duration such as 2h, and not given with ends_at"))
				return
			}
			start := b.StartsAt
			if start.IsZero() {
				start = s.now()
			}
			b.EndsAt = start.Add(d)
		}
		sil, err := m.CreateSilence(r.Context(), alert.Silence{Matchers: b.Matchers, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
			Comment: b.Comment, CreatedBy: principal(r).User})
		if err != nil {
			s.writeError(w, r, alertErr(err))
			return
		}
		s.log.Info("silence created", "id", sil.ID, "by", sil.CreatedBy, "ends_at", sil.EndsAt)
		writeJSON(w, http.StatusCreated, sil)
	})
}

func (s *Server) handleExpireSilence() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		if err := m.ExpireSilence(r.Context(), r.PathValue("id"), principal(r).User); err != nil {
			s.writeError(w, r, alertErr(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleRules() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		items := m.Rules()
		if items == nil {
			items = []alert.RuleView{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	})
}

// ruleBody is a user rule as JSON ("for" as a duration such as 5m).
type ruleBody struct {
	Name      string            `json:"name"`
	Entity    string            `json:"entity"`
	Metric    string            `json:"metric"`
	Op        string            `json:"op"`
	Threshold float64           `json:"threshold"`
	For       string            `json:"for"`
	Severity  string            `json:"severity"`
	Labels    map[string]string `json:"labels"`
	Summary   string            `json:"summary"`
}

func (s *Server) handleCreateRule() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		var b ruleBody
		if err := decode(r, &b); err != nil {
			s.writeError(w, r, err)
			return
		}
		rule := config.Rule{Name: b.Name, Entity: b.Entity, Metric: b.Metric, Op: b.Op, Threshold: b.Threshold,
			Severity: b.Severity, Labels: b.Labels, Summary: b.Summary}
		if b.For != "" {
			d, err := time.ParseDuration(b.For)
			if err != nil || d < 0 {
				s.writeError(w, r, errorf(KindBadRequest, "for must be a duration such as 5m"))
				return
			}
			rule.For = d
		}
		if rule.Severity == "" {
			rule.Severity = "warning"
		}
		if err := m.CreateRule(r.Context(), rule); err != nil {
			s.writeError(w, r, alertErr(err))
			return
		}
		for _, v := range m.Rules() {
			if v.Name == rule.Name {
				writeJSON(w, http.StatusCreated, v)
				return
			}
		}
		w.WriteHeader(http.StatusCreated)
	})
}

func (s *Server) handleDeleteRule() http.HandlerFunc {
	return s.withAlerts(func(w http.ResponseWriter, r *http.Request, m *alert.Manager) {
		if err := m.DeleteRule(r.Context(), r.PathValue("name")); err != nil {
			s.writeError(w, r, alertErr(err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// receiverView shows a receiver without its URL, secret or password.
type receiverView struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	MinSeverity string            `json:"min_severity"`
	Match       map[string]string `json:"match,omitempty"`
}

func (s *Server) handleReceivers() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		items := make([]receiverView, 0, len(s.receivers))
		for _, rc := range s.receiverConfigs {
			items = append(items, receiverView{Name: rc.Name, Type: rc.Type, MinSeverity: rc.MinSeverity, Match: rc.Match})
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items})
	}
}

// handleTestReceiver sends one test alert (GregorTest, info) through a receiver, whatever its
// routing, and says whether it arrived.
func (s *Server) handleTestReceiver() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		var rc *notify.Receiver
		for _, x := range s.receivers {
			if x.Name() == name {
				rc = x
			}
		}
		if rc == nil {
			s.writeError(w, r, errorf(KindNotFound, "no receiver named "+quote(name)))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		if err := rc.Test(ctx); err != nil {
			// The receiver's errors name it and hold no secret.
			writeJSON(w, http.StatusOK, map[string]any{"receiver": name, "ok": false, "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"receiver": name, "ok": true})
	}
}

// addAlerts puts the cluster's alerts, the silences and the notification log in a bundle.
func (s *Server) addAlerts(ctx context.Context, b *bundle.Writer, cluster string) {
	if s.alerts == nil {
		b.Fail("alerts: alerting is not running")
		return
	}
	b.AddJSON("alerts.json", "the cluster's alerts (pending, firing, and resolved in the last 24h)", s.alerts.Alerts(alert.AlertFilter{Cluster: cluster}))
	b.AddJSON("silences.json", "every silence", s.alerts.Silences())
	log, err := s.alerts.NotificationLog(ctx, 1000)
	if err != nil {
		b.Fail("notification log: " + err.Error())
		return
	}
	b.AddJSON("notifications.json", "the last 1,000 notifications sent (or failed)", log)
}

func validSeverity(s string) bool { return severityRank(s) >= 0 }

func severityRank(s string) int { return slices.Index(config.Severities, s) }
