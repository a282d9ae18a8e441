package demo

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/secretbox"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workflow"
)

func testBox(t testing.TB) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(bytes.Repeat([]byte{7}, secretbox.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var all = store.Scope{All: true}

// TestRecords generates 古镇镇 with a master key on both databases and checks
// every kind of record against the rules the store and the standards set.
func TestRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := testBox(t)
		s, err := Generate(ctx, db, Options{Seed: 2026, Secrets: box})
		if err != nil {
			t.Fatal(err)
		}
		as := allAreas(t, db)
		byID := map[int64]*directory.Area{}
		for _, a := range as {
			byID[a.ID] = a
		}
		users := map[string]int64{}
		for _, a := range s.Accounts {
			u, _, err := db.UserByUsername(ctx, a.Username)
			if err != nil {
				t.Fatal(err)
			}
			users[a.Username] = u.ID
		}
		checkDepartments(t, db, s, byID, users)
		checkEnterprises(t, db, s, byID, users)
		checkComponents(t, db, s, byID)
		// Grid workers are responsible (责任网格) for every grid of their community.
		for _, a := range as {
			if a.Level != directory.Grid {
				continue
			}
			ws, err := db.GridWorkers(ctx, a.ID)
			want := users["gw-"+byID[a.ParentID].Code]
			if err != nil || len(ws) != 1 || ws[0] != want {
				t.Errorf("grid %s: workers %v, want [%d] (%v)", a.Code, ws, want, err)
			}
		}
		// Residents: recorded with consent, valid GB 11643 numbers, 138 phones.
		rs, err := db.ListResidents(ctx, store.ResidentFilter{Scope: all, Limit: 1000})
		if err != nil || len(rs) != s.Records["residents"] || len(rs) < 12 {
			t.Fatalf("%d residents stored, summary %d (%v)", len(rs), s.Records["residents"], err)
		}
		rules := codes.DefaultRules()
		for _, r := range rs {
			if !r.Masked || r.ConsentAt <= 0 || byID[r.GridID] == nil || byID[r.GridID].ParentID != r.AreaID {
				t.Errorf("resident %d: masked %v consent %d area %d grid %d", r.ID, r.Masked, r.ConsentAt, r.AreaID, r.GridID)
			}
			if err := db.ResidentClear(ctx, box, r); err != nil {
				t.Fatal(err)
			}
			if _, err := rules.ParseIDCard(r.IDNumber); err != nil || !strings.HasPrefix(r.IDNumber, "442000") {
				t.Errorf("resident ID %s: %v", r.IDNumber, err)
			}
			if !regexp.MustCompile(`^138\d{8}$`).MatchString(r.Phone) {
				t.Errorf("resident phone %q is not a demo 138 number", r.Phone)
			}
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK {
			t.Fatalf("audit chain: %+v %v", res, err)
		}
	})
}

func checkDepartments(t *testing.T, db *store.DB, s *Summary, byID map[int64]*directory.Area, users map[string]int64) {
	ctx := context.Background()
	ds, err := db.ListDepartments(ctx, store.DepartmentFilter{Scope: all, Limit: 1000})
	if err != nil || len(ds) != s.Records["departments"] {
		t.Fatalf("%d departments, summary %d (%v)", len(ds), s.Records["departments"], err)
	}
	byDept := map[int64]*directory.Department{}
	levels := map[int]int{}
	for _, d := range ds {
		byDept[d.ID] = d
		levels[d.Level]++
		if byID[d.AreaID].Level != directory.Town {
			t.Errorf("department %s serves %s, want a town", d.Code, byID[d.AreaID].Level)
		}
	}
	if levels[1] < 8 || levels[2] < 3 {
		t.Errorf("levels %v: want ≥ 8 一级 and a few 二级", levels)
	}
	for _, name := range []string{"城管执法", "市场监管", "生态环境", "住房建设", "应急管理", "水务", "环卫", "供电"} {
		found := false
		for _, d := range ds {
			found = found || (d.Name == name && d.Level == 1)
		}
		if !found {
			t.Errorf("no 一级 department %s", name)
		}
	}
	// Every seeded 小类 has an owner in every grid, of the owner type the
	// category table names (categories.json "owner").
	cats, err := workflow.SeedCategories()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range byID {
		if a.Level != directory.Grid {
			continue
		}
		for _, c := range cats.Categories {
			id, err := db.OwningDepartment(ctx, a.Path, c.Code)
			if err != nil {
				t.Fatalf("%s in grid %s: no owner (%v)", c.Code, a.Code, err)
			}
			if d := byDept[id]; d == nil || d.Kind != c.Owner || !strings.HasPrefix(d.Code, a.Code[:9]) {
				t.Errorf("%s %s in grid %s owned by %+v, want a %s department of the town", c.Code, c.Name, a.Code, d, c.Owner)
			}
		}
		break // one grid is enough: the rules sit on the town
	}
	// Each department account is a member of its department.
	for _, d := range ds {
		slug := strings.TrimPrefix(d.Code, mainTownCode+"-")
		id, ok := users["dept-"+slug]
		if !ok {
			continue
		}
		ms, err := db.DepartmentMembers(ctx, d.ID)
		if err != nil || len(ms) != 1 || ms[0] != id {
			t.Errorf("department %s members %v, want dept-%s (%v)", d.Name, ms, slug, err)
		}
	}
	if s.Records["department_members"] != 8 {
		t.Errorf("%d department accounts linked, want 8", s.Records["department_members"])
	}
}

func checkEnterprises(t *testing.T, db *store.DB, s *Summary, byID map[int64]*directory.Area, users map[string]int64) {
	ctx := context.Background()
	es, err := db.ListEnterprises(ctx, store.EnterpriseFilter{Scope: all, Limit: 1000})
	if err != nil || len(es) != s.Records["enterprises"] || len(es) < 50 {
		t.Fatalf("%d enterprises, summary %d (%v)", len(es), s.Records["enterprises"], err)
	}
	rules := codes.DefaultRules()
	status := map[directory.EnterpriseStatus]int{}
	above, small := 0, 0
	linked := map[int64]string{}
	for _, e := range es {
		u, err := rules.ParseUSCC(e.USCC)
		if err != nil || u.Division != "442000" || !u.OrgCodeValid || u.TypeName != "企业" {
			t.Errorf("%s USCC %s: %+v %v", e.Name, e.USCC, u, err)
		}
		if !directory.ValidIndustry(e.Industry) {
			t.Errorf("%s industry %q", e.Name, e.Industry)
		}
		if e.LandMu < 0.5 || e.LandMu > 60 {
			t.Errorf("%s land %g mu, want 0.5–60", e.Name, e.LandMu)
		}
		if e.LandMu < 3 {
			small++
		}
		if e.AboveScale {
			above++
		}
		status[e.Status]++
		g := byID[e.GridID]
		if g == nil || g.Level != directory.Grid || g.ParentID != e.AreaID || e.Lon == nil {
			t.Fatalf("%s placed in area %d grid %d", e.Name, e.AreaID, e.GridID)
		}
		if !inside(ring(t, g), *e.Lon, *e.Lat) {
			t.Errorf("%s at %g,%g lies outside its grid %s", e.Name, *e.Lon, *e.Lat, g.Code)
		}
		if len(e.Contacts) == 0 || !strings.HasPrefix(e.Contacts[0].Phone, "138") {
			t.Errorf("%s contacts %+v", e.Name, e.Contacts)
		}
		if e.UserID > 0 {
			linked[e.UserID] = e.Name
		}
	}
	if small == 0 || small == len(es) || above == 0 || above == len(es) {
		t.Errorf("%d under 3 mu, %d 规上 of %d: want a mix", small, above, len(es))
	}
	if status[directory.Active] < len(es)*3/4 || status[directory.Active] == len(es) {
		t.Errorf("statuses %v: want mostly active, a few others", status)
	}
	for i, c := range companies {
		if n := linked[users[fmt.Sprintf("ent%d", i+1)]]; !strings.HasSuffix(n, c) {
			t.Errorf("ent%d linked to %q, want …%s", i+1, n, c)
		}
	}
}

func checkComponents(t *testing.T, db *store.DB, s *Summary, byID map[int64]*directory.Area) {
	ctx := context.Background()
	var cs []*directory.Component
	for after := int64(0); ; {
		page, err := db.ListComponents(ctx, store.ComponentFilter{Scope: all, After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		cs, after = append(cs, page...), page[len(page)-1].ID
	}
	if len(cs) != s.Records["components"] || len(cs) < 3*s.Areas[directory.Grid] {
		t.Fatalf("%d components, summary %d, %d grids", len(cs), s.Records["components"], s.Areas[directory.Grid])
	}
	rules := codes.DefaultRules()
	perGrid := map[int64]int{}
	states := map[directory.ComponentState]int{}
	for _, c := range cs {
		cc, err := rules.ParseComponentCode(c.Code)
		if err != nil || cc.County != "442000" {
			t.Errorf("component code %s: %v", c.Code, err)
		}
		// The code's 大类/小类 must name a 部件 小类 of the category table.
		if _, minor, ok := store.ComponentClassNames(c.Category); !ok || c.MinorName != minor || c.Category != fmt.Sprintf("C%02d%02d", cc.Major, cc.Minor) {
			t.Errorf("component %s: category %s %q not a seeded 部件 小类", c.Code, c.Category, c.MinorName)
		}
		if c.OwnerDeptID == 0 {
			t.Errorf("component %s has no owner department", c.Code)
		}
		g := byID[c.GridID]
		if g == nil || !inside(ring(t, g), *c.Lon, *c.Lat) {
			t.Errorf("component %s lies outside its grid", c.Code)
		}
		perGrid[c.GridID]++
		states[c.State]++
	}
	for id, n := range perGrid {
		if n < 3 || n > 7 {
			t.Errorf("grid %s has %d components, want 3–7", byID[id].Code, n)
		}
	}
	if len(perGrid) != s.Areas[directory.Grid] || states[directory.Intact] < len(cs)*3/4 || states[directory.Damaged] == 0 {
		t.Errorf("%d grids with components; states %v: want mostly intact, some damaged", len(perGrid), states)
	}
}

func TestNoResidentsWithoutKey(t *testing.T) {
	s, err := Describe(Options{Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if s.Records["residents"] != 0 || s.Records["enterprises"] != 60 {
		t.Errorf("records %v: want no residents without a key, 60 enterprises", s.Records)
	}
	with, _ := Describe(Options{Seed: 2026, Secrets: testBox(t)})
	if with.Records["residents"] != 24 { // 2 in each of 古镇镇's 12 villages
		t.Errorf("%d residents with a key, want 24", with.Records["residents"])
	}
}

// 古镇镇's records come out the same at every size, like its areas.
func TestMainTownRecordsAtEverySize(t *testing.T) {
	fp := func(size string) string {
		p, err := buildPlan(Options{Seed: 5, Size: size})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, tp := range p.towns {
			if p.areas[tp.Area].Code != mainTownCode {
				continue
			}
			for _, e := range tp.Enterprises {
				fmt.Fprintf(&b, "%s %s %s %g %g\n", e.USCC, e.Name, p.areas[e.Grid].Code, *e.Lon, *e.Lat)
			}
		}
		for _, a := range p.areas {
			if strings.HasPrefix(a.Code, mainTownCode) {
				for _, c := range a.Components {
					fmt.Fprintf(&b, "%s %s %g\n", c.Code, c.State, *c.Lon)
				}
			}
		}
		return b.String()
	}
	town := fp(SizeTown)
	if town == "" || town != fp(SizeCity) || town != fp(SizeProvince) {
		t.Error("古镇镇's enterprises or components differ between sizes")
	}
}

// Codes stay unique across the province: USCCs and component codes.
func TestProvinceRecordCodesUnique(t *testing.T) {
	p, err := buildPlan(Options{Seed: 1, Size: SizeProvince})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tp := range p.towns {
		for _, e := range tp.Enterprises {
			if seen[e.USCC] {
				t.Fatalf("duplicate USCC %s", e.USCC)
			}
			seen[e.USCC] = true
		}
	}
	for _, a := range p.areas {
		for _, c := range a.Components {
			if seen[c.Code] {
				t.Fatalf("duplicate component code %s", c.Code)
			}
			seen[c.Code] = true
		}
	}
	if r := p.records(); r["enterprises"] < 1000 || r["components"] < 20000 {
		t.Errorf("province records %v", r)
	}
}

// fingerprintRecords is every enterprise and component, in creation order.
func fingerprintRecords(t *testing.T, db *store.DB) string {
	ctx := context.Background()
	var b strings.Builder
	es, err := db.ListEnterprises(ctx, store.EnterpriseFilter{Scope: all, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		fmt.Fprintf(&b, "%s %s %s %g %v %g %g\n", e.USCC, e.Name, e.Industry, e.LandMu, e.AboveScale, *e.Lon, *e.Lat)
	}
	cs, err := db.ListComponents(ctx, store.ComponentFilter{Scope: all, Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s %g %g\n", c.Code, c.State, *c.Lon, *c.Lat)
	}
	return b.String()
}
