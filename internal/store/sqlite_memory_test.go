package store_test

import (
	"testing"

	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// The read pool's connections get store.ReaderCacheKiB of page cache
// (sqlite_memory.go), whatever db.go gives its connections.
func TestReaderCacheSize(t *testing.T) {
	db := storetest.SQLite(t, 0)
	var r int
	if err := db.QueryRow(ctx, `PRAGMA cache_size`).Scan(&r); err != nil {
		t.Fatal(err)
	}
	if r != -store.ReaderCacheKiB {
		t.Fatalf("readers' cache_size = %d, want %d", r, -store.ReaderCacheKiB)
	}
}
