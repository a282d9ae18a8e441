package store_test

import (
	"bytes"
	"errors"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Real, published codes (internal/codes tests cite their sources).
const (
	usccTencent = "91440300708461136T"
	usccHuawei  = "914403001922038216"
	usccBadSum  = "91440300708461136A" // Tencent's code with a wrong check character
	idGB11643   = "11010519491231002X" // GB 11643-1999's own example
	idBadCheck  = "110105194912310021"
)

type recFixture struct {
	town, c1, c2, g1, g2 *directory.Area
}

func recAreas(t *testing.T, db *store.DB) recFixture {
	var f recFixture
	f.town = mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
	f.c1 = mkArea(t, db, f.town.ID, directory.Community, "442000113001", "海洲村")
	f.c2 = mkArea(t, db, f.town.ID, directory.Community, "442000113002", "古一村")
	f.g1 = mkArea(t, db, f.c1.ID, directory.Grid, "44200011300101", "海洲1号网格")
	f.g2 = mkArea(t, db, f.c2.ID, directory.Grid, "44200011300201", "古一1号网格")
	return f
}

func auditRows(t *testing.T, db *store.DB) int64 {
	t.Helper()
	v, err := db.VerifyAudit(ctx)
	if err != nil || !v.OK {
		t.Fatalf("audit %+v %v", v, err)
	}
	return v.Rows
}

func wantField(t *testing.T, err error, field, code string) {
	t.Helper()
	var fe *account.FieldError
	if !errors.As(err, &fe) || fe.Field != field || (code != "" && fe.Code != code) {
		t.Fatalf("error %v, want field %s code %s", err, field, code)
	}
}

func mkDept(t *testing.T, db *store.DB, d *directory.Department) *directory.Department {
	t.Helper()
	if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateDepartment(ctx, d) }); err != nil {
		t.Fatalf("department %s: %v", d.Code, err)
	}
	return d
}

func TestOwningDepartmentPicksDeepestThenMostSpecific(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := recAreas(t, db)
		cg := mkDept(t, db, &directory.Department{Code: "cg", Name: "城管局", Kind: "city_management", AreaID: f.town.ID})
		hw := mkDept(t, db, &directory.Department{Code: "hw", Name: "环卫所", Kind: "sanitation", AreaID: f.town.ID})
		sw := mkDept(t, db, &directory.Department{Code: "sw", Name: "水务科", Kind: "water", ParentID: cg.ID, AreaID: f.town.ID})
		if sw.Level != 2 {
			t.Fatalf("section level %d", sw.Level)
		}
		// A section cannot have sections (一级/二级 only).
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			return tx.CreateDepartment(ctx, &directory.Department{Code: "x", Name: "x", Kind: "other", ParentID: sw.ID, AreaID: f.town.ID})
		})
		wantField(t, err, "parent_id", "department.parent_level")
		rules := []directory.OwnershipRule{
			{AreaID: f.town.ID, Category: "*", DepartmentID: cg.ID},
			{AreaID: f.town.ID, Category: "C0101", DepartmentID: sw.ID},
			{AreaID: f.c1.ID, Category: "C01", DepartmentID: hw.ID},
		}
		for i := range rules {
			if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.SetOwnership(ctx, &rules[i]) }); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			path, cat string
			want      int64
		}{
			{f.g2.Path, "C0101", sw.ID}, // community 2 has no rule: the town's 小类 rule beats the town's *
			{f.g2.Path, "E0102", cg.ID}, // only the catch-all
			{f.g1.Path, "C0101", hw.ID}, // community 1's 大类 rule is deeper than the town's 小类 rule
			{f.g1.Path, "C0201", cg.ID}, // community 1's rule is for 大类 C01 only
			{f.town.Path, "C0101", sw.ID},
		}
		for _, c := range cases {
			got, err := db.OwningDepartment(ctx, c.path, c.cat)
			if err != nil || got != c.want {
				t.Errorf("OwningDepartment(%s, %s) = %d %v, want %d", c.path, c.cat, got, err, c.want)
			}
		}
		if _, err := db.OwningDepartment(ctx, "/999/", "C0101"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no rule: %v", err)
		}
		n := auditRows(t, db)
		err = db.Write(ctx, admin, func(tx *store.Tx) error {
			return tx.SetOwnership(ctx, &directory.OwnershipRule{AreaID: f.town.ID, Category: "C9999", DepartmentID: cg.ID})
		})
		wantField(t, err, "category", "ownership.category")
		if auditRows(t, db) != n {
			t.Error("a refused rule wrote to the audit log")
		}
		// A department with rules cannot be deleted.
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.DeleteDepartment(ctx, hw.ID) }); !errors.Is(err, store.ErrConflict) {
			t.Errorf("delete with rules: %v", err)
		}
	})
}

func TestEnterprisesValidateAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := recAreas(t, db)
		before := auditRows(t, db)
		bad := &directory.Enterprise{USCC: usccBadSum, Name: "坏码", AreaID: f.c1.ID}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, bad) }), "uscc", "uscc.check_char")
		for _, c := range []struct {
			e     directory.Enterprise
			field string
		}{
			{directory.Enterprise{USCC: usccTencent, Name: "x", Industry: "Z12", AreaID: f.c1.ID}, "industry"},
			{directory.Enterprise{USCC: usccTencent, Name: "x", LandMu: -1, AreaID: f.c1.ID}, "land_mu"},
			{directory.Enterprise{USCC: usccTencent, Name: "x", Status: "bankrupt", AreaID: f.c1.ID}, "status"},
			{directory.Enterprise{USCC: usccTencent, Name: "x", AreaID: f.c1.ID, GridID: f.g2.ID}, "grid_id"},
			{directory.Enterprise{USCC: usccTencent, Name: "x", AreaID: 99999}, "area_id"},
		} {
			wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, &c.e) }), c.field, "")
		}
		if auditRows(t, db) != before {
			t.Fatal("refused enterprises wrote audit rows")
		}
		if es, _ := db.ListEnterprises(ctx, store.EnterpriseFilter{Scope: store.Scope{All: true}, Limit: 10}); len(es) != 0 {
			t.Fatal("a refused enterprise was stored")
		}
		e1 := &directory.Enterprise{USCC: usccTencent, Name: "腾讯", Industry: "I6510", AboveScale: true, LandMu: 12.345678, Park: "智造园", GridID: f.g1.ID,
			Contacts: []directory.Contact{{Name: "张三", Phone: "13800138000"}}}
		e2 := &directory.Enterprise{USCC: usccHuawei, Name: "华为", Industry: "C3921", AreaID: f.c2.ID}
		for _, e := range []*directory.Enterprise{e1, e2} {
			if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, e) }); err != nil {
				t.Fatal(err)
			}
		}
		if e1.AreaID != f.g1.ID || e1.LandMu != 12.3457 {
			t.Errorf("area %d land %v", e1.AreaID, e1.LandMu)
		}
		dup := &directory.Enterprise{USCC: usccHuawei, Name: "重复", AreaID: f.c1.ID}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateEnterprise(ctx, dup) }), "uscc", "enterprise.uscc_taken")
		c1 := store.Scope{Paths: []string{f.c1.Path}}
		if _, err := db.Enterprise(ctx, e2.ID, c1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("out-of-scope enterprise: %v", err)
		}
		got, err := db.Enterprise(ctx, e1.ID, c1)
		if err != nil || got.Contacts[0].Phone != "13800138000" || got.LandMu != 12.3457 || !got.AboveScale {
			t.Fatalf("read back %+v %v", got, err)
		}
		for _, q := range []store.EnterpriseFilter{{Query: "华"}, {Query: "914403001"}, {Industry: "C"}, {Industry: "C39"}} {
			q.Scope, q.Limit = store.Scope{All: true}, 10
			if es, _ := db.ListEnterprises(ctx, q); len(es) != 1 || es[0].ID != e2.ID {
				t.Errorf("search %+v found %d", q, len(es))
			}
		}
	})
}

func TestComponents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := recAreas(t, db)
		c := &directory.Component{Code: "4420000101000001", GridID: f.g1.ID, State: directory.Damaged}
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateComponent(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		// case-management.md §5.1: 01 公用设施 / 01 上水井盖.
		if c.Category != "C0101" || c.MajorName != "公用设施" || c.MinorName != "上水井盖" {
			t.Errorf("class %+v", c)
		}
		bad := &directory.Component{Code: "442000010100001", GridID: f.g1.ID}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateComponent(ctx, bad) }), "code", "component.length")
		dup := &directory.Component{Code: c.Code, GridID: f.g1.ID}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateComponent(ctx, dup) }), "code", "component.code_taken")
		cs, err := db.ListComponents(ctx, store.ComponentFilter{Scope: store.Scope{All: true}, Class: "C01", State: directory.Damaged, GridID: f.g1.ID, Limit: 10})
		if err != nil || len(cs) != 1 {
			t.Fatalf("filter: %d %v", len(cs), err)
		}
	})
}

func TestResidentsSealedIndexedAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := recAreas(t, db)
		box, _ := secretbox.New(bytes.Repeat([]byte{9}, 32))
		now := db.Now()
		before := auditRows(t, db)
		noConsent := &directory.Resident{Name: "李四", IDNumber: idGB11643, AreaID: f.c1.ID}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateResident(ctx, box, noConsent) }), "consent_at", "resident.consent_required")
		badID := &directory.Resident{Name: "李四", IDNumber: idBadCheck, AreaID: f.c1.ID, ConsentAt: now}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateResident(ctx, box, badID) }), "id_number", "idcard.check_digit")
		if auditRows(t, db) != before {
			t.Fatal("refused residents wrote audit rows")
		}
		r := &directory.Resident{Name: "李四", IDNumber: idGB11643, Phone: "13912345678", GridID: f.g1.ID, ConsentAt: now, Tags: []string{"独居老人"}}
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateResident(ctx, box, r) }); err != nil {
			t.Fatal(err)
		}
		if r.IDNumber != "1101**********002X" || r.Phone != "139****5678" || !r.Masked {
			t.Errorf("returned %q %q", r.IDNumber, r.Phone)
		}
		// At rest: no column holds the ID number or the phone in clear.
		var sealed, phone []byte
		var masked, index string
		if err := db.QueryRow(ctx, `SELECT id_sealed, phone_sealed, id_masked, id_index FROM residents WHERE id = ?`, r.ID).Scan(&sealed, &phone, &masked, &index); err != nil {
			t.Fatal(err)
		}
		for _, b := range [][]byte{sealed, phone, []byte(masked), []byte(index)} {
			if bytes.Contains(b, []byte(idGB11643)) || bytes.Contains(b, []byte("110105194912")) || bytes.Contains(b, []byte("13912345678")) {
				t.Fatalf("personal data in clear at rest: %q", b)
			}
		}
		// The 15-digit form of the same person is the same person (GB 11643 conversion).
		dup := &directory.Resident{Name: "李四", IDNumber: "110105491231002", AreaID: f.c1.ID, ConsentAt: now}
		wantField(t, db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateResident(ctx, box, dup) }), "id_number", "resident.duplicate")
		got, err := db.ResidentByIDNumber(ctx, box, "11010519491231002x", store.Scope{Paths: []string{f.c1.Path}})
		if err != nil || got.ID != r.ID || got.IDNumber != "1101**********002X" {
			t.Fatalf("blind-index lookup: %+v %v", got, err)
		}
		if _, err := db.ResidentByIDNumber(ctx, box, idGB11643, store.Scope{Paths: []string{f.c2.Path}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lookup outside scope: %v", err)
		}
		other, _ := secretbox.New(bytes.Repeat([]byte{8}, 32))
		if _, err := db.ResidentByIDNumber(ctx, other, idGB11643, store.Scope{All: true}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another key found the record: %v", err)
		}
		if err := db.ResidentClear(ctx, box, got); err != nil || got.IDNumber != idGB11643 || got.Phone != "13912345678" || got.Masked {
			t.Fatalf("clear: %+v %v", got, err)
		}
	})
}

func TestPeopleAndGridWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := recAreas(t, db)
		d := mkDept(t, db, &directory.Department{Code: "cg", Name: "城管局", Kind: "city_management", AreaID: f.town.ID})
		hash, _ := account.HashPassword("secret-pass-1")
		u := &account.User{Username: "wgy", DisplayName: "网格员", Roles: []account.Role{account.GridWorker}, ScopeAreaIDs: []int64{f.c1.ID}}
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.CreateUser(ctx, u, hash) }); err != nil {
			t.Fatal(err)
		}
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			return tx.SetPerson(ctx, &store.Person{UserID: u.ID, GridIDs: []int64{f.c1.ID}})
		})
		wantField(t, err, "grid_ids", "person.grid_level")
		p := &store.Person{UserID: u.ID, Departments: []store.Membership{{DepartmentID: d.ID, Post: "巡查员"}}, GridIDs: []int64{f.g1.ID, f.g2.ID}}
		if err := db.Write(ctx, admin, func(tx *store.Tx) error { return tx.SetPerson(ctx, p) }); err != nil {
			t.Fatal(err)
		}
		for _, g := range []int64{f.g1.ID, f.g2.ID} {
			if ws, err := db.GridWorkers(ctx, g); err != nil || len(ws) != 1 || ws[0] != u.ID {
				t.Errorf("GridWorkers(%d) = %v %v", g, ws, err)
			}
		}
		if ms, _ := db.DepartmentMembers(ctx, d.ID); len(ms) != 1 {
			t.Errorf("members %v", ms)
		}
		// Responsibility is not visibility: user_scopes did not change.
		back, _ := db.User(ctx, u.ID)
		if len(back.ScopeAreaIDs) != 1 || back.ScopeAreaIDs[0] != f.c1.ID {
			t.Errorf("scopes changed: %v", back.ScopeAreaIDs)
		}
	})
}
