package db_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestSQLiteCheckpointsInTheBackground: commits that leave the WAL far
// below wal_autocheckpoint are copied into the database file anyway, by
// the pool's checkpointer, not by a commit; and a commit does not
// checkpoint before the WAL holds the backstop's pages.
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var pages int
	if err := d.SQL.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil || pages < 10_000 {
		t.Fatalf("wal_autocheckpoint = %d (%v): commits would checkpoint themselves", pages, err)
	}
	file := filepath.Join(dir, "trailmark.db")
	size := func() int64 {
		st, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	// ~200 pages of 4 KB: far below SQLite's default threshold of 1 000.
	if _, err := d.SQL.ExecContext(ctx, "CREATE TABLE filler (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := d.SQL.ExecContext(ctx, "INSERT INTO filler VALUES (?)", fmt.Sprintf("%d%s", i, strings.Repeat("x", 4000))); err != nil {
			t.Fatal(err)
		}
	}
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		return size() >= before+150*4096, fmt.Sprintf("the database file holds %d bytes, %d before the inserts", size(), before)
	})
}

// TestSQLiteCheckpointerEndsWithThePool: a pool closed without DB.Close
// does not leave the checkpointer running.
func TestSQLiteCheckpointerEndsWithThePool(t *testing.T) {
	d, err := db.Open(context.Background(), db.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_ = d.SQL.Close()
	select {
	case <-db.CheckpointsDone(d):
	case <-time.After(5 * time.Second):
		t.Fatal("the checkpointer still runs on a closed pool")
	}
}
