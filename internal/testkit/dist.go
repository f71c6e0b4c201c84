// Package testkit starts real Apache Kafka clusters (KRaft, from Maven Central jars, with the
// Prometheus JMX exporter attached) and in-process kfake clusters for Gregor's tests.
package testkit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gregor-kafka/gregor/internal/testkit/kafkadist"
)

// The Kafka versions the harness runs. DefaultKafkaVersion is the newest 4.x release whose
// artifacts are all on Maven Central (4.4.0's kafka-tools-api jar is missing there).
const (
	DefaultKafkaVersion = "4.3.1"
	LegacyKafkaVersion  = "3.9.2"
)

// VersionEnv selects the Kafka version for tests and `make kafka-up`: a full version, or the
// aliases "4" (default) and "3.9" (the older line, for compatibility runs).
const VersionEnv = "GREGOR_KAFKA_VERSION"

// KafkaVersion returns the version selected by GREGOR_KAFKA_VERSION, or the default.
func KafkaVersion() string {
	switch v := strings.TrimSpace(os.Getenv(VersionEnv)); v {
	case "", "4", "4.x", "default":
		return DefaultKafkaVersion
	case "3", "3.9", "3.9.x", "legacy":
		return LegacyKafkaVersion
	default:
		return v
	}
}

// Dist is a resolved Kafka distribution: a folder of jars plus the agent and config files.
type Dist struct {
	Version string
	Dir     string // holds lib/ and the config files
}

// Major returns the major version number (3 or 4).
func (d Dist) Major() int {
	if strings.HasPrefix(d.Version, "3.") {
		return 3
	}
	return 4
}

// Classpath is the java -cp value for the broker.
func (d Dist) Classpath() string { return filepath.Join(d.Dir, "lib", "*") }

// JMXAgent is the path of the Prometheus JMX exporter java agent jar.
func (d Dist) JMXAgent() (string, error) {
	m, err := filepath.Glob(filepath.Join(d.Dir, "lib", "jmx_prometheus_javaagent-*.jar"))
	if err != nil || len(m) == 0 {
		return "", fmt.Errorf("jmx exporter agent not found in %s/lib", d.Dir)
	}
	return m[0], nil
}

// CacheDir is where distributions are kept: $GREGOR_CACHE_DIR, else the user cache dir.
func CacheDir() string {
	if d := os.Getenv("GREGOR_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "gregor")
	}
	return filepath.Join(os.TempDir(), "gregor-cache")
}

// EnsureDist resolves Kafka `version` with Maven into the cache (once; later calls reuse it).
// Concurrent callers (parallel test packages) are serialised by a file lock.
func EnsureDist(ctx context.Context, version string) (Dist, error) {
	d := Dist{Version: version, Dir: filepath.Join(CacheDir(), "kafka-"+version)}
	if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		return d, err
	}
	lock, err := os.OpenFile(filepath.Join(d.Dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return d, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return d, fmt.Errorf("lock %s: %w", d.Dir, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

	files := map[string][]byte{
		"pom.xml":           kafkadist.POM,
		"jmx-exporter.yaml": kafkadist.JMXExporterConfig,
		"log4j2.properties": kafkadist.Log4j2Properties,
		"log4j.properties":  kafkadist.Log4jProperties,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(d.Dir, name), body, 0o644); err != nil {
			return d, err
		}
	}
	marker := filepath.Join(d.Dir, "lib", ".complete")
	if b, err := os.ReadFile(marker); err == nil && bytes.Equal(b, kafkadist.POM) {
		return d, nil
	}
	if _, err := exec.LookPath("mvn"); err != nil {
		return d, fmt.Errorf("resolving Kafka %s needs Maven (mvn) on PATH: %w", version, err)
	}
	lib := filepath.Join(d.Dir, "lib")
	_ = os.RemoveAll(lib)
	args := []string{"-B", "-q", "-f", filepath.Join(d.Dir, "pom.xml"),
		"dependency:copy-dependencies", "-DoutputDirectory=" + lib, "-Dkafka.version=" + version}
	if d.Major() == 3 {
		args = append(args, "-Dkafka3")
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "mvn", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return d, fmt.Errorf("mvn could not resolve Kafka %s: %w\n%s", version, err, tail(out.String(), 3000))
	}
	return d, os.WriteFile(marker, kafkadist.POM, 0o644)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
