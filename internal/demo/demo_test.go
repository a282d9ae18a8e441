package demo

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

func allAreas(t *testing.T, db *store.DB) []*directory.Area {
	t.Helper()
	var out []*directory.Area
	after := int64(0)
	for {
		page, err := db.ListAreas(context.Background(), store.AreaFilter{Unscoped: true, WithGeometry: true, After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].ID
	}
}

func generate(t *testing.T, opt Options) (*store.DB, *Summary) {
	t.Helper()
	db := storetest.SQLite(t, 0)
	s, err := Generate(context.Background(), db, opt)
	if err != nil {
		t.Fatal(err)
	}
	return db, s
}

// fingerprint is every area's code, name and boundary, in creation order.
func fingerprint(as []*directory.Area) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.Code + " " + a.Name + " " + string(a.Geometry) + "\n")
	}
	return b.String()
}

func TestDeterministic(t *testing.T) {
	db1, s1 := generate(t, Options{Seed: 7})
	db2, s2 := generate(t, Options{Seed: 7})
	db3, _ := generate(t, Options{Seed: 8})
	f1, f2, f3 := fingerprint(allAreas(t, db1)), fingerprint(allAreas(t, db2)), fingerprint(allAreas(t, db3))
	if f1 != f2 {
		t.Error("same seed gave different areas")
	}
	if f1 == f3 {
		t.Error("different seeds gave the same areas")
	}
	r1, r2, r3 := fingerprintRecords(t, db1), fingerprintRecords(t, db2), fingerprintRecords(t, db3)
	if r1 != r2 || r1 == "" {
		t.Error("same seed gave different enterprises or components")
	}
	if r1 == r3 {
		t.Error("different seeds gave the same enterprises and components")
	}
	for i := range s1.Accounts {
		if s1.Accounts[i] != s2.Accounts[i] {
			t.Errorf("account %d differs: %+v vs %+v", i, s1.Accounts[i], s2.Accounts[i])
		}
	}
	// Describe must print the same credentials Generate wrote.
	d, err := Describe(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Accounts) != len(s1.Accounts) || d.Accounts[0] != s1.Accounts[0] || d.Generated {
		t.Errorf("Describe differs from Generate: %+v", d.Accounts[:1])
	}
}

// ring decodes a Polygon's outer ring.
func ring(t *testing.T, a *directory.Area) [][2]float64 {
	t.Helper()
	var g struct {
		Type        string
		Coordinates [][][2]float64
	}
	if err := json.Unmarshal(a.Geometry, &g); err != nil || g.Type != "Polygon" || len(g.Coordinates) != 1 {
		t.Fatalf("%s: not a one-ring Polygon: %s", a.Code, a.Geometry)
	}
	return g.Coordinates[0]
}

// signedArea is the shoelace area; positive for a counter-clockwise ring.
func signedArea(r [][2]float64) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

func inside(r [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		if (r[i][1] > y) != (r[j][1] > y) && x < (r[j][0]-r[i][0])*(y-r[i][1])/(r[j][1]-r[i][1])+r[i][0] {
			in = !in
		}
	}
	return in
}

// samples returns points strictly inside a quadrilateral cell: the centroids
// of the triangles fanned from each corner (inside even for a concave quad).
func samples(r [][2]float64) [][2]float64 {
	var out [][2]float64
	n := len(r) - 1
	for i := 0; i < n; i++ {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		out = append(out, [2]float64{(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3})
	}
	return out
}

type bbox struct{ x0, y0, x1, y1 float64 }

func boxOf(r [][2]float64) bbox {
	b := bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range r {
		b.x0, b.y0, b.x1, b.y1 = min(b.x0, p[0]), min(b.y0, p[1]), max(b.x1, p[0]), max(b.y1, p[1])
	}
	return b
}

func TestTownGeometryAndCodes(t *testing.T) {
	db, s := generate(t, Options{Seed: 2026})
	as := allAreas(t, db)
	byID := map[int64]*directory.Area{}
	for _, a := range as {
		byID[a.ID] = a
	}
	rules := codes.DefaultRules()
	grid14 := regexp.MustCompile(`^\d{14}$`)
	kids := map[int64][]*directory.Area{}
	counts := map[directory.Level]int{}
	for _, a := range as {
		counts[a.Level]++
		if a.Level == directory.Town || a.Level == directory.Community || a.Level == directory.Grid {
			r := ring(t, a)
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("%s: ring not closed", a.Code)
			}
			if signedArea(r) <= 0 {
				t.Errorf("%s: outer ring not counter-clockwise", a.Code)
			}
			if b := boxOf(r); b.x0 < 113.17-1e-9 || b.x1 > 113.21+1e-9 || b.y0 < 22.58-1e-9 || b.y1 > 22.64+1e-9 {
				t.Errorf("%s: %v outside 古镇镇's box", a.Code, b)
			}
		}
		if a.Level != directory.Grid {
			continue
		}
		parent := byID[a.ParentID]
		if parent == nil || parent.Level != directory.Community {
			t.Fatalf("grid %s not under a community", a.Code)
		}
		kids[parent.ID] = append(kids[parent.ID], a)
		if !grid14.MatchString(a.Code) || !strings.HasPrefix(a.Code, parent.Code) {
			t.Errorf("grid code %s: want 14 digits starting with %s", a.Code, parent.Code)
		}
		// CJ/T 213: the codes package must accept it, sequence 01 upward.
		if g, err := rules.ParseGridCode(a.Code, codes.SeqWidthCJT213); err != nil || g.Seq < 1 {
			t.Errorf("grid code %s: %v (seq %d)", a.Code, err, g.Seq)
		}
	}
	if counts[directory.City] != 1 || counts[directory.Town] != 1 || counts[directory.Community] != 12 {
		t.Errorf("counts %v: want 1 city, 1 town, 12 communities", counts)
	}
	if got := s.Areas[directory.Grid]; got != counts[directory.Grid] {
		t.Errorf("summary says %d grids, database has %d", got, counts[directory.Grid])
	}
	town, err := db.AreaByCode(context.Background(), "442000105")
	if err != nil || town.Name != "古镇镇" {
		t.Fatalf("古镇镇 not stored as 442000105: %v", err)
	}
	for cid, grids := range kids {
		c := byID[cid]
		if n := len(grids); n < 6 || n > 15 {
			t.Errorf("%s has %d grids, want 6–15", c.Name, n)
		}
		cr := ring(t, c)
		cb := boxOf(cr)
		sum := 0.0
		rings := make([][][2]float64, len(grids))
		for i, g := range grids {
			rings[i] = ring(t, g)
			sum += signedArea(rings[i])
			if b := boxOf(rings[i]); b.x0 < cb.x0 || b.y0 < cb.y0 || b.x1 > cb.x1 || b.y1 > cb.y1 {
				t.Errorf("grid %s sticks out of %s's box", g.Code, c.Name)
			}
			for _, p := range samples(rings[i]) {
				if !inside(cr, p[0], p[1]) {
					t.Errorf("grid %s: point %v outside %s", g.Code, p, c.Name)
				}
			}
		}
		for i := range rings {
			for j := range rings {
				if i == j {
					continue
				}
				for _, p := range samples(rings[i]) {
					if inside(rings[j], p[0], p[1]) {
						t.Errorf("grids %s and %s overlap at %v", grids[i].Code, grids[j].Code, p)
					}
				}
			}
		}
		// No overlap and all inside, plus equal area: the grids tile the community.
		if ca := signedArea(cr); math.Abs(sum-ca) > 1e-9*ca+1e-12 {
			t.Errorf("%s: grids cover %g, community %g", c.Name, sum, ca)
		}
	}
}

func TestAccountsAndAudit(t *testing.T) {
	db, s := generate(t, Options{Seed: 2026})
	ctx := context.Background()
	roles := map[account.Role]bool{}
	for _, a := range s.Accounts {
		roles[a.Role] = true
	}
	for _, r := range account.Roles {
		if !roles[r] {
			t.Errorf("no account with role %s", r)
		}
	}
	users, err := db.ListUsers(ctx, store.UserFilter{Limit: 1000})
	if err != nil || len(users) != len(s.Accounts) {
		t.Fatalf("%d users stored, summary lists %d (%v)", len(users), len(s.Accounts), err)
	}
	// Sign in with every printed password (one account per role is enough).
	seen := map[account.Role]bool{}
	for _, a := range s.Accounts {
		if seen[a.Role] {
			continue
		}
		seen[a.Role] = true
		u, hash, err := db.UserByUsername(ctx, a.Username)
		if err != nil {
			t.Fatalf("%s: %v", a.Username, err)
		}
		if !account.CheckPassword(hash, a.Password) || account.CheckPassword(hash, a.Password+"x") {
			t.Errorf("%s: printed password does not (only) sign in", a.Username)
		}
		if len(u.Roles) != 1 || u.Roles[0] != a.Role || len(u.ScopeAreaIDs) != 1 {
			t.Errorf("%s: roles %v scopes %v", a.Username, u.Roles, u.ScopeAreaIDs)
		}
		scope, err := db.Area(ctx, u.ScopeAreaIDs[0])
		if err != nil || scope.Code != a.ScopeCode {
			t.Errorf("%s: scope %v, want %s", a.Username, scope, a.ScopeCode)
		}
	}
	if _, hash, _ := db.UserByUsername(ctx, "admin"); hash == "" {
		t.Error("no admin account")
	}
	res, err := db.VerifyAudit(ctx)
	if err != nil || !res.OK {
		t.Fatalf("audit chain: %+v %v", res, err)
	}
	if want := int64(len(s.Accounts)); res.Rows < want {
		t.Errorf("audit has %d rows, fewer than the %d accounts", res.Rows, want)
	}
	if opt, ok, err := Stored(ctx, db); err != nil || !ok || opt.Seed != 2026 || opt.Size != SizeTown {
		t.Errorf("Stored = %+v %v %v", opt, ok, err)
	}
	// A second run must refuse rather than duplicate.
	if _, err := Generate(ctx, db, Options{Seed: 2026}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second Generate: %v, want ErrNotEmpty", err)
	}
}

func TestSizes(t *testing.T) {
	if _, err := Describe(Options{Size: "planet"}); err == nil {
		t.Error("unknown size accepted")
	}
	city, err := Describe(Options{Seed: 1, Size: SizeCity})
	if err != nil {
		t.Fatal(err)
	}
	if city.Areas[directory.Town] != 8 || city.Areas[directory.Community] < 8*9 {
		t.Errorf("city: %v", city.Areas)
	}
	prov, err := Describe(Options{Seed: 1, Size: SizeProvince})
	if err != nil {
		t.Fatal(err)
	}
	if prov.Top != "440000" || prov.Town != mainTownCode || prov.Areas[directory.Grid] < 10000 {
		t.Errorf("province: top %s town %s areas %v", prov.Top, prov.Town, prov.Areas)
	}
	// Codes stay unique across the whole province.
	p, _ := buildPlan(Options{Seed: 1, Size: SizeProvince})
	seen := map[string]bool{}
	for _, a := range p.areas {
		if seen[a.Code] {
			t.Fatalf("duplicate code %s (%s)", a.Code, a.Name)
		}
		seen[a.Code] = true
	}
	// 古镇镇 looks the same at every size: its own generator.
	town, _ := buildPlan(Options{Seed: 1})
	var g1, g2 string
	for _, a := range town.areas {
		if a.Code == mainTownCode {
			g1 = string(a.Geometry)
		}
	}
	for _, a := range p.areas {
		if a.Code == mainTownCode {
			g2 = string(a.Geometry)
		}
	}
	if g1 == "" || g1 != g2 {
		t.Error("古镇镇 differs between town and province size")
	}
}

func TestCityGenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("city size writes ~1 000 areas")
	}
	db, s := generate(t, Options{Seed: 3, Size: SizeCity})
	as := allAreas(t, db)
	total := 0
	for _, n := range s.Areas {
		total += n
	}
	if len(as) != total {
		t.Errorf("%d areas stored, summary counts %d", len(as), total)
	}
}
