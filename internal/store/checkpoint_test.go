package store_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"towngrid/internal/store"
)

// walRestarts reads the checkpoint sequence number of SQLite's WAL header
// (bytes 12–15), which goes up each time the log restarts from its start.
func walRestarts(t *testing.T, path string) uint32 {
	t.Helper()
	b, err := os.ReadFile(path + "-wal")
	if err != nil || len(b) < 32 {
		t.Fatalf("wal header: %v (%d bytes)", err, len(b))
	}
	return binary.BigEndian.Uint32(b[12:16])
}

// The writer never checkpoints; the checkpointer copies the log back beside
// it, so the log restarts instead of growing, and nothing is lost.
func TestCheckpointerRestartsTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ck.db")
	db, err := store.Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	add := func(from, to int) {
		for i := from; i < to; i++ {
			err := db.Write(ctx, admin, func(tx *store.Tx) error {
				return tx.AddRuleVersion(ctx, &store.Rule{Kind: "ck", Key: strconv.Itoa(i), EffectiveFrom: "2025-01-01", Body: "{}"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	add(0, 200)
	before := walRestarts(t, path)
	deadline := time.Now().Add(10 * time.Second)
	n := 200
	for walRestarts(t, path) == before {
		if time.Now().After(deadline) {
			t.Fatalf("the log never restarted (sequence %d): nothing checkpoints it", before)
		}
		time.Sleep(100 * time.Millisecond)
		add(n, n+1) // a commit after a complete checkpoint restarts the log
		n++
	}
	var count int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM rules WHERE kind = 'ck'`).Scan(&count); err != nil || count != n {
		t.Fatalf("%d rules, want %d (%v)", count, n, err)
	}
}
