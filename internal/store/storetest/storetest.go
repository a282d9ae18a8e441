// Package storetest opens real databases for tests: a temporary SQLite file
// and, where PostgreSQL answers, a fresh schema on it. Every storage test runs
// on both through Each.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/store"
)

func init() {
	// Production argon2id costs would make every test that signs in slow.
	account.SetHashCost(1, 64)
}

// PostgresURL is the test server: TOWNGRID_TEST_PG, or the CI default.
func PostgresURL() string {
	if u := os.Getenv("TOWNGRID_TEST_PG"); u != "" {
		return u
	}
	if os.Getenv("CI") == "true" {
		return "postgres://postgres@127.0.0.1:5432/test"
	}
	return ""
}

// Each runs fn once on SQLite and once on PostgreSQL, each with a fresh,
// migrated database. Outside CI a missing PostgreSQL skips that half with a
// message; in CI (CI=true) it fails.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t, 0)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t, 0)) })
}

// SQLite opens a new database in a temporary folder, migrated to version
// (0 = latest).
func SQLite(t testing.TB, version int) *store.DB {
	t.Helper()
	return open(t, "sqlite://"+filepath.Join(t.TempDir(), "test.db"), version)
}

var schemaSeq atomic.Int64

// Postgres opens a new schema on the test server, migrated to version (0 = latest).
func Postgres(t testing.TB, version int) *store.DB {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("PostgreSQL not configured: set TOWNGRID_TEST_PG (CI=true uses postgres://postgres@127.0.0.1:5432/test)")
	}
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s does not answer in CI: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s does not answer (outside CI this half is skipped): %v", base, err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String(), version)
}

func open(t testing.TB, dsn string, version int) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, version); err != nil {
		t.Fatal(err)
	}
	return db
}
