package testkit

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Two calls give two separate, usable databases; StopPostgres removes the server's files.
func TestPostgres(t *testing.T) {
	if os.Getenv(PostgresSkipEnv) == "1" {
		t.Skip(PostgresSkipEnv + "=1")
	}
	t.Cleanup(func() {
		StopPostgres()
		if _, err := os.Stat(pg.srv.dir); !os.IsNotExist(err) {
			t.Errorf("server folder %s still there after StopPostgres: %v", pg.srv.dir, err)
		}
	})
	ctx := context.Background()
	dsns := []string{Postgres(t), Postgres(t)}
	if dsns[0] == dsns[1] {
		t.Fatalf("same DSN twice: %s", dsns[0])
	}
	for i, dsn := range dsns {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if i == 0 {
			if _, err := c.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 't'").Scan(&n); err != nil || n != 0 {
			t.Fatalf("the second database is not empty: %d tables t, %v", n, err)
		}
	}
}

// Without the server binaries the error says which package to install.
func TestPostgresBinMissing(t *testing.T) {
	defer func(g string) { postgresGlob = g }(postgresGlob)
	postgresGlob = "/nonexistent/*/bin/initdb"
	t.Setenv("PATH", t.TempDir())
	if _, err := postgresBin(); err == nil || !strings.Contains(err.Error(), "Debian package postgresql") {
		t.Fatalf("postgresBin: %v", err)
	}
}
