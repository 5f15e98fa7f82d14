package db

import (
	"context"
	"database/sql"
	"time"
)

// SQLite copies the WAL back into the database file (a checkpoint) from
// the connection whose commit finds the WAL past wal_autocheckpoint pages,
// right after that commit and before the commit returns: the writer that
// crosses the line pays for reading the WAL's frames, writing them into the
// database file and fsyncing it. On the ingest path that is the Writer's
// one committer, with the write gate held: in the bench's batch-of-50
// shape a third of all the time spent in system calls was such
// checkpoints, serial with every other write (docs/performance.md
// "SQLite's serial time").
//
// A goroutine of the pool checkpoints instead, PASSIVE (it never waits for,
// nor blocks, readers or writers: it copies what no reader still needs and
// leaves the rest for the next round), every checkpointEvery. Writers then
// find the WAL copied back and start it over from its beginning, so it
// stays small. wal_autocheckpoint stays as a backstop, raised so that it
// only fires when this goroutine falls far behind (or is not running: a
// process that opened the file otherwise).

// checkpointEvery is how often the pool's checkpointer runs.
const checkpointEvery = 200 * time.Millisecond

// walBackstopPages is wal_autocheckpoint: the WAL size, in pages, past
// which a committing connection checkpoints itself (SQLite's default:
// 1000 pages).
const walBackstopPages = 16384

// checkpointer runs PASSIVE checkpoints on db until stop is closed.
func checkpointer(db *sql.DB, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		// Errors (a busy checkpointer lock, a closed pool) only mean no
		// checkpoint this round; the backstop remains.
		_, _ = db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		cancel()
	}
}
