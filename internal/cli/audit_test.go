package cli_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gregor-kafka/gregor/internal/store"
)

// TestServeAuditLog: gregor serves the audit log of its store and prunes what is older than
// audit.keep as it starts.
func TestServeAuditLog(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "gregor.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, e := range []store.AuditEntry{
		{Time: now.Add(-40 * 24 * time.Hour), User: "admin", Role: store.RoleAdmin, Cluster: "demo", Action: "topic.delete", Target: "old"},
		{Time: now.Add(-10 * 24 * time.Hour), User: "admin", Role: store.RoleAdmin, Cluster: "demo", Action: "topic.create", Target: "recent"},
	} {
		if err := st.AppendAudit(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	p := startGregor(t, []string{"GREGOR_CONFIG=", "GREGOR_AUDIT__KEEP=720h"}, "--demo", "--data-dir", dir)
	var got struct {
		Total int                `json:"total"`
		Items []store.AuditEntry `json:"items"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := getJSON(p.URL+"/api/v1/audit", &got)
		if err == nil && got.Total == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("want the recent entry only: %+v %v", got, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got.Items[0].Target != "recent" || got.Items[0].Action != "topic.create" {
		t.Fatalf("%+v", got.Items)
	}
}
