package testkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresSkipEnv, when set to 1, makes Postgres skip the test instead of starting a server.
const PostgresSkipEnv = "GREGOR_SKIP_POSTGRES"

// pg is the one private PostgreSQL server of this test process, started on first use.
var pg struct {
	once    sync.Once
	mu      sync.Mutex
	srv     *pgServer
	err     error
	dbs     int
	stopped bool
}

type pgServer struct {
	bin  string // folder of initdb, pg_ctl
	dir  string // temporary folder: data/, server.log, the Unix socket
	port int
	su   bool // running as root: run the server as the postgres user
}

// Postgres returns the DSN of a new, empty database on this process's private PostgreSQL
// server (trust auth on 127.0.0.1), starting the server on first use from the Debian
// binaries in /usr/lib/postgresql/*/bin. The database is dropped when the test ends; call
// StopPostgres after m.Run in TestMain to stop the server and delete its files (a watchdog
// does it too if the process dies first). Without the binaries the test fails, asking for
// the postgresql package, unless GREGOR_SKIP_POSTGRES=1, which skips it.
func Postgres(t testing.TB) string {
	t.Helper()
	if os.Getenv(PostgresSkipEnv) == "1" {
		t.Skip("testkit: " + PostgresSkipEnv + "=1: skipping the PostgreSQL test")
	}
	pg.once.Do(func() { pg.srv, pg.err = startPostgres() })
	pg.mu.Lock()
	srv, err := pg.srv, pg.err
	if pg.stopped {
		err = errors.New("StopPostgres was called")
	}
	pg.dbs++
	name := fmt.Sprintf("test_%d", pg.dbs)
	pg.mu.Unlock()
	if err != nil {
		t.Fatalf("testkit: PostgreSQL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.admin(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testkit: PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pg.mu.Lock()
		stopped := pg.stopped
		pg.mu.Unlock()
		if !stopped {
			if err := srv.admin(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Logf("testkit: PostgreSQL: %v", err)
			}
		}
	})
	return srv.dsn(name)
}

// StopPostgres stops the server Postgres started, if any, and deletes its files.
func StopPostgres() {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if pg.stopped || pg.srv == nil {
		pg.stopped = true
		return
	}
	pg.stopped = true
	if out, err := pg.srv.cmd("pg_ctl", "-D", pg.srv.data(), "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "testkit: pg_ctl stop: %v\n%s", err, out)
	}
	os.RemoveAll(pg.srv.dir)
}

func (s *pgServer) data() string { return filepath.Join(s.dir, "data") }

func (s *pgServer) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// cmd runs a PostgreSQL program, as the postgres user when we are root (initdb and the
// server refuse to run as root).
func (s *pgServer) cmd(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, prog)
	if s.su {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// admin runs one statement on the postgres database.
func (s *pgServer) admin(ctx context.Context, stmt string) error {
	c, err := pgx.Connect(ctx, s.dsn("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// postgresGlob matches the initdb of each PostgreSQL server package of Debian.
var postgresGlob = "/usr/lib/postgresql/*/bin/initdb"

// postgresBin finds the newest /usr/lib/postgresql/<version>/bin holding initdb, else the
// folder of an initdb on PATH.
func postgresBin() (string, error) {
	found, _ := filepath.Glob(postgresGlob)
	sort.Slice(found, func(i, j int) bool { // by major version, newest first
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[j]))))
		return vi > vj
	})
	for _, p := range found {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "pg_ctl")); err == nil {
			return filepath.Dir(p), nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("the server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl) are not installed: " +
		"install the Debian package postgresql (apt-get install -y postgresql), or set " + PostgresSkipEnv + "=1 to skip these tests")
}

func startPostgres() (*pgServer, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gregor-pg-")
	if err != nil {
		return nil, err
	}
	s := &pgServer{bin: bin, dir: dir, su: os.Geteuid() == 0}
	if err := s.init(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.watchdog()
	return s, nil
}

// init creates the cluster and starts the server on a free port (retried if another
// process takes the port first).
func (s *pgServer) init() error {
	if s.su {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs the postgres user (from the postgresql package): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return err
		}
	}
	if out, err := s.cmd("initdb", "-D", s.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--no-locale", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb in %s: %w\n%s", s.dir, err, tail(string(out), 3000))
	}
	log := filepath.Join(s.dir, "server.log")
	var err error
	for range 5 {
		var ports []int
		if ports, err = freePorts(1); err != nil {
			return err
		}
		s.port = ports[0]
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "+
			"-c synchronous_commit=off -c full_page_writes=off", s.port, s.dir)
		var out []byte
		out, err = s.cmd("pg_ctl", "-D", s.data(), "-l", log, "-o", opts, "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			return nil
		}
		logText, _ := os.ReadFile(log)
		err = fmt.Errorf("pg_ctl start (port %d): %w\n%s\nserver.log:\n%s", s.port, err, out, tail(string(logText), 3000))
		if !strings.Contains(string(logText), "could not bind") {
			return err
		}
	}
	return err
}

// watchdog starts a detached shell that stops the server and deletes its folder once this
// process is gone, in case it dies before StopPostgres (a test timeout, a kill).
func (s *pgServer) watchdog() {
	var stop []string
	for _, a := range s.cmd("pg_ctl", "-D", s.data(), "-m", "immediate", "stop").Args {
		stop = append(stop, shellQuote(a))
	}
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 2; done; [ -d %s ] && %s >/dev/null 2>&1; rm -rf %s`,
		os.Getpid(), shellQuote(s.data()), strings.Join(stop, " "), shellQuote(s.dir))
	c := exec.Command("sh", "-c", script)
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if c.Start() == nil {
		go c.Wait() // reaped if this process outlives it
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
