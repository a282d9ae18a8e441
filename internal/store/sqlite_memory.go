package store

import (
	"context"
	"os"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// ReaderCacheKiB is the page cache of each SQLite read connection, in KiB
// (PRAGMA cache_size = -N); TOWNGRID_SQLITE_READ_CACHE_KB overrides it.
//
// Every SQLite connection keeps its own page cache, outside the Go heap
// (modernc.org/libc allocates it), so GOMEMLIMIT does not see it. db.go opens
// its connections with cache_size(-32000): the writer and up to 8 readers
// could hold 9 × 32 MB (the checkpointer keeps SQLite's default 2 MB). Serving 10 M work orders (a 22 GB file,
// docs/perf-volume.md) with 8 concurrent clients, the readers' caches filled
// and the process peaked at 240–420 MB RSS, of which the Go runtime held
// ≈ 47 MB. The readers' caches mostly hold the same hot pages 8 times over,
// and the file's pages stay in the OS page cache anyway. With 16 MB each
// the same runs peaked at ≈ 150–200 MB (bound: 8 × 16 + 32 MB for SQLite);
// with 8 MB each a filtered list that walks ≈ 1,000 rows (light=red on the
// town's open queue) took 6 ms instead of 1–3 ms, at 16 MB it did not slow.
var ReaderCacheKiB = 16000

func init() {
	if n, err := strconv.Atoi(os.Getenv("TOWNGRID_SQLITE_READ_CACHE_KB")); err == nil && n > 0 {
		ReaderCacheKiB = n
	}
	// The read pool is the one whose DSN says query_only (db.go); the hook
	// runs once per new connection, after the DSN's pragmas.
	sqlite.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, dsn string) error {
		if !strings.Contains(dsn, "_pragma=query_only(1)") {
			return nil
		}
		_, err := c.ExecContext(context.Background(), "PRAGMA cache_size = -"+strconv.Itoa(ReaderCacheKiB), nil)
		return err
	})
}
