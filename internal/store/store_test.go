package store_test

import (
	"context"
	"errors"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

var ctx = context.Background()
var admin = store.Actor{ID: 0, Name: "test", Via: "cli"}

func mkArea(t *testing.T, db *store.DB, parent int64, level directory.Level, code, name string) *directory.Area {
	t.Helper()
	a := &directory.Area{ParentID: parent, Level: level, Code: code, Name: name}
	if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateArea(ctx, a) }); err != nil {
		t.Fatalf("create area %s: %v", code, err)
	}
	return a
}

func TestAreasUsersScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town := mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
		c1 := mkArea(t, db, town.ID, directory.Community, "442000113001", "海洲村")
		c2 := mkArea(t, db, town.ID, directory.Community, "442000113002", "古一村")
		g1 := mkArea(t, db, c1.ID, directory.Grid, "44200011300101", "海洲1号网格")
		mkArea(t, db, c2.ID, directory.Grid, "44200011300201", "古一1号网格")
		if g1.Path != "/"+itoa(town.ID)+"/"+itoa(c1.ID)+"/"+itoa(g1.ID)+"/" {
			t.Fatalf("path = %q", g1.Path)
		}
		u := &account.User{Username: "wgy01", DisplayName: "网格员一", Roles: []account.Role{account.GridWorker}, ScopeAreaIDs: []int64{c1.ID}}
		hash, _ := account.HashPassword("secret-pass-1")
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateUser(ctx, u, hash) }); err != nil {
			t.Fatal(err)
		}
		p, err := db.Principal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ListAreas(ctx, store.AreaFilter{Scopes: p.Scopes, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != c1.ID || got[1].ID != g1.ID {
			t.Fatalf("scoped areas = %v, want community 1 and its grid", names(got))
		}
		if p.InScope(c2.Path) || !p.InScope(g1.Path) {
			t.Fatal("InScope disagrees with the scope")
		}
		// A duplicate username is a field error, and nothing else is written.
		dup := &account.User{Username: "wgy01", DisplayName: "x", Roles: []account.Role{account.Resident}}
		err = db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateUser(ctx, dup, hash) })
		var fe *account.FieldError
		if !errors.As(err, &fe) || fe.Code != "user.username_taken" {
			t.Fatalf("duplicate username: %v", err)
		}
		n, _ := db.CountUsers(ctx)
		if n != 1 {
			t.Fatalf("users = %d after a failed create", n)
		}
		// Scope on an unknown area rolls back the whole account.
		bad := &account.User{Username: "ghost", DisplayName: "x", Roles: []account.Role{account.Resident}, ScopeAreaIDs: []int64{9999}}
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateUser(ctx, bad, hash) }); !errors.As(err, &fe) {
			t.Fatalf("unknown scope accepted: %v", err)
		}
		if _, _, err := db.UserByUsername(ctx, "ghost"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("half-written account left behind")
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town := mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
		for i, code := range []string{"442000113001", "442000113002", "442000113003"} {
			mkArea(t, db, town.ID, directory.Community, code, "社区"+itoa(int64(i)))
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Rows != 4 {
			t.Fatalf("intact chain: %+v %v", res, err)
		}
		// Someone edits row 3 directly in the database.
		if err := db.Write(ctx, admin, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		res, err = db.VerifyAudit(ctx)
		if err != nil || res.OK || res.Problem == nil || res.Problem.Seq != 3 {
			t.Fatalf("tampered row 3 not named: %+v %v", res, err)
		}
	})
}

func TestAuditTruncatedTail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town := mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
		mkArea(t, db, town.ID, directory.Community, "442000113001", "海洲村")
		_ = db.Write(ctx, admin, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM audit_log WHERE seq = 2`)
			return err
		})
		res, _ := db.VerifyAudit(ctx)
		if res.OK || res.Problem == nil || res.Problem.Seq != 2 {
			t.Fatalf("deleted last row not detected: %+v", res)
		}
	})
}

func TestFailedWriteLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			a := &directory.Area{Level: directory.Town, Code: "442000113", Name: "古镇镇"}
			if err := tx.CreateArea(ctx, a); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := db.AreaByCode(ctx, "442000113"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("area written by a failed transaction")
		}
		if res, _ := db.VerifyAudit(ctx); !res.OK || res.Rows != 0 {
			t.Fatalf("audit rows written by a failed transaction: %+v", res)
		}
	})
}

func TestSessionsAndAPIKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		u := &account.User{Username: "admin", DisplayName: "管理员", Roles: []account.Role{account.Admin}}
		hash, _ := account.HashPassword("admin-pass-1")
		var token, key string
		k := &store.APIKey{Name: "ci", Perms: []account.Perm{account.AreasRead}}
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			if err := tx.CreateUser(ctx, u, hash); err != nil {
				return err
			}
			var err error
			if token, err = tx.CreateSession(ctx, u.ID, 3600_000, "127.0.0.1", "go-test"); err != nil {
				return err
			}
			k.UserID = u.ID
			key, err = tx.CreateAPIKey(ctx, k)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if su, err := db.SessionUser(ctx, token); err != nil || su.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		if _, err := db.SessionUser(ctx, token+"x"); err == nil {
			t.Fatal("forged session accepted")
		}
		ku, kk, err := db.APIKeyUser(ctx, key)
		if err != nil || ku.ID != u.ID || len(kk.Perms) != 1 || kk.Perms[0] != account.AreasRead {
			t.Fatalf("api key: %v %+v", err, kk)
		}
		altered := key[:len(key)-1] + "A"
		if key[len(key)-1] == 'A' {
			altered = key[:len(key)-1] + "B"
		}
		if _, _, err := db.APIKeyUser(ctx, altered); err == nil {
			t.Fatal("altered key accepted")
		}
		_ = db.Write(ctx, admin, func(tx *store.Tx) error { return tx.RevokeAPIKey(ctx, k.ID, 0) })
		if _, _, err := db.APIKeyUser(ctx, key); err == nil {
			t.Fatal("revoked key accepted")
		}
		_ = db.Write(ctx, admin, func(tx *store.Tx) error { return tx.DeleteSession(ctx, token) })
		if _, err := db.SessionUser(ctx, token); err == nil {
			t.Fatal("session survives logout")
		}
	})
}

func TestMigrationUpgradeKeepsData(t *testing.T) {
	run := func(t *testing.T, db *store.DB) {
		if v, _ := db.Version(ctx); v != 1 {
			t.Fatalf("start version = %d", v)
		}
		// Data written by the older schema, as an older binary would have.
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO users (username, display_name, password_hash, created_at, updated_at) VALUES ('old', '老用户', 'x', 1, 1)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		applied, err := db.Migrate(ctx, 0)
		if err != nil || len(applied) == 0 || applied[0] != 2 {
			t.Fatalf("upgrade applied %v: %v", applied, err)
		}
		u, _, err := db.UserByUsername(ctx, "old")
		if err != nil || u.DisplayName != "老用户" || u.Lang != "zh-CN" || u.MustChangePassword {
			t.Fatalf("user after upgrade: %+v %v", u, err)
		}
		if again, err := db.Migrate(ctx, 0); err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v: %v", again, err)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, storetest.SQLite(t, 1)) })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.Postgres(t, 1)) })
}

func itoa(i int64) string { return store.Itoa(i) }

func names(as []*directory.Area) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}
