package cli

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/gregor-kafka/gregor/internal/alert"
)

// alertWorker evaluates one cluster's alerts off the collection path: a receiver that
// times out delays the next notification, never the next snapshot. Only the newest cycle
// waits; an older one not yet taken is replaced (its successor carries the same state).
type alertWorker struct {
	jobs chan alert.Cycle
}

func startAlertWorker(ctx context.Context, wg *sync.WaitGroup, m *alert.Manager, log *slog.Logger) *alertWorker {
	w := &alertWorker{jobs: make(chan alert.Cycle, 1)}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case c := <-w.jobs:
				actx, cancel := context.WithTimeout(ctx, 3*time.Minute)
				if err := m.EvaluateCycle(actx, c); err != nil {
					log.Error("alerting failed", "cluster", c.Cluster, "err", err)
				}
				cancel()
			}
		}
	}()
	return w
}

// submit queues a cycle; one sender per worker (the cluster's collector), so it never blocks.
func (w *alertWorker) submit(c alert.Cycle) {
	select {
	case w.jobs <- c:
	default:
		select {
		case <-w.jobs: // replaced by the newer cycle
		default:
		}
		w.jobs <- c
	}
}
