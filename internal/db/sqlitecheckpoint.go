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
// leaves the rest for the next round), every checkpointEvery. wal_autocheckpoint
// stays as a backstop, raised so that it only fires when this goroutine falls
// far behind (or is not running: a process that opened the file otherwise).
//
// One thing SQLite's own checkpoint gave for free: the WAL starts over from
// its beginning only when a writer begins while every frame is copied, and
// the committer that checkpointed was always that next writer. Beside a
// writer that never pauses, a checkpoint in the background always ends a
// commit or two behind, and the WAL would grow up to the backstop. So once
// the WAL holds walRestartPages, the checkpointer takes the write gate for
// one more PASSIVE checkpoint — of the few frames committed since the last
// one — and the writer after it starts the WAL over.

// checkpointEvery is how often the pool's checkpointer runs.
const checkpointEvery = 250 * time.Millisecond

// walBackstopPages is wal_autocheckpoint: the WAL size, in pages, past
// which a committing connection checkpoints itself (SQLite's default:
// 1000 pages).
const walBackstopPages = 32768

// walRestartPages is the WAL size, in pages, past which the checkpointer
// has the WAL started over (48 MB of 4 KB pages). The gated checkpoint
// copies what the last commits wrote (a batch-of-50 group of the bench:
// ~6 000 pages, ~50 ms with the gate held); at 4 096 pages it ran after
// nearly every group and held the gate longer in all than SQLite's own
// checkpoints had (docs/performance.md "SQLite's serial time").
const walRestartPages = 12288

// checkpointer runs PASSIVE checkpoints on db until stop is closed, with
// the write gate held when the WAL must start over.
func checkpointer(db *sql.DB, gate writeGate, stop <-chan struct{}, done chan<- struct{}) {
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
		// Errors (a busy checkpointer lock) only mean no checkpoint this
		// round; the backstop remains. A pool closed without DB.Close ends
		// the checkpointer (database/sql does not export that error).
		frames, err := checkpoint(ctx, db)
		if err != nil && err.Error() == "sql: database is closed" {
			cancel()
			return
		}
		if err == nil && frames >= walRestartPages && gate.acquire(ctx) {
			_, _ = checkpoint(ctx, db)
			gate.release()
		}
		cancel()
	}
}

// checkpoint runs a PASSIVE checkpoint and returns the WAL's size in
// frames (pages).
func checkpoint(ctx context.Context, db *sql.DB) (frames int, err error) {
	var busy, copied int
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, err
}
