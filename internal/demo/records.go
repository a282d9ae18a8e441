package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/geo"
	"towngrid/internal/workflow"
)

// The directory records of the demo (名录), planned without touching the
// database: each town's departments and ownership rules (权属), its
// enterprises placed at points inside its grids, components (部件) in every
// grid, and a few residents recorded with consent in the main town.

// rulePlan is one ownership rule of every town: category → department slug.
type rulePlan struct{ Category, Slug string }

// entPlan is one enterprise; Grid indexes plan.areas.
type entPlan struct {
	directory.Enterprise
	Grid    int
	Account string // username of the demo account linked to it, if any
}

// compPlan is one component of a grid; Slug names its owner department.
type compPlan struct {
	directory.Component
	Slug string
}

// residentPlan is one resident of the main town; Grid indexes plan.areas.
type residentPlan struct {
	directory.Resident
	Grid int
}

// townPlan holds what a town gets besides its areas.
type townPlan struct {
	Area        int // index of the town in plan.areas
	Enterprises []entPlan
}

// records counts the records of a plan per kind, as the summary reports them.
func (p *plan) records() map[string]int {
	out := map[string]int{"departments": len(p.towns) * len(deptSpecs), "ownership_rules": len(p.towns) * len(p.rules),
		"residents": len(p.residents)}
	for _, t := range p.towns {
		out["enterprises"] += len(t.Enterprises)
	}
	for _, a := range p.areas {
		out["components"] += len(a.Components)
		if a.Level == directory.Grid {
			out["responsibility_grids"]++
		}
	}
	for _, a := range p.accounts {
		if strings.HasPrefix(a.Username, "dept-") {
			out["department_members"]++
		}
	}
	return out
}

// ownershipRules turns the category table into rules for one town: per 大类
// the department of the most common owner type, a 小类 rule where a 小类
// differs, and "*" for anything else. Every seeded 小类 then resolves to a
// department whose kind is its owner type (or to the fallback).
func ownershipRules(cats *workflow.Categories) []rulePlan {
	slugOf := map[string]string{}
	for _, d := range deptSpecs {
		slugOf[d.Kind] = d.Slug
	}
	slug := func(owner string) string {
		if s, ok := slugOf[owner]; ok {
			return s
		}
		return fallbackDept
	}
	out := []rulePlan{{directory.CategoryAny, fallbackDept}}
	for _, m := range cats.Majors {
		prefix := "E" + m.Code
		if m.Class == "component" {
			prefix = "C" + m.Code
		}
		count := map[string]int{}
		var order []string
		for _, c := range cats.Categories {
			if c.Class == m.Class && c.Major == m.Code {
				s := slug(c.Owner)
				if count[s] == 0 {
					order = append(order, s)
				}
				count[s]++
			}
		}
		if len(order) == 0 {
			continue
		}
		best := order[0]
		for _, s := range order {
			if count[s] > count[best] {
				best = s
			}
		}
		out = append(out, rulePlan{prefix, best})
		for _, c := range cats.Categories {
			if c.Class == m.Class && c.Major == m.Code && slug(c.Owner) != best {
				out = append(out, rulePlan{c.Code, slug(c.Owner)})
			}
		}
	}
	return out
}

// cellPoint is the point at (u, v) of grid cell (ix, iy) by bilinear
// interpolation of its corners. The demo's cells are convex quadrilaterals,
// so 0 < u, v < 1 lies strictly inside.
func (l *lattice) cellPoint(ix, iy int, u, v float64) (lon, lat float64) {
	a, b, c, d := l.p[ix][iy], l.p[ix+1][iy], l.p[ix+1][iy+1], l.p[ix][iy+1]
	lon = (1-u)*(1-v)*a[0] + u*(1-v)*b[0] + u*v*c[0] + (1-u)*v*d[0]
	lat = (1-u)*(1-v)*a[1] + u*(1-v)*b[1] + u*v*c[1] + (1-u)*v*d[1]
	return round6(lon), round6(lat)
}

// gridCell remembers where a planned grid lies in its town's lattice.
type gridCell struct{ area, ix, iy int }

// components plans 部件 for one grid: codes county + 大类 + 小类 + serial, the
// serial being the township number × 1000 + a per-town, per-小类 counter, so
// codes stay unique across towns of one city and a town's codes do not depend
// on what else the size adds.
func (p *plan) components(r *rand.Rand, l *lattice, g gridCell, townCode string, serial map[string]int, perGrid [2]int) []compPlan {
	n := perGrid[0] + r.IntN(perGrid[1]-perGrid[0]+1)
	out := make([]compPlan, 0, n)
	for range n {
		c := p.compCats[pickWeighted(r, p.compCum)]
		serial[c.Code]++
		if serial[c.Code] > 999 {
			continue
		}
		lon, lat := l.cellPoint(g.ix, g.iy, 0.1+0.8*r.Float64(), 0.1+0.8*r.Float64())
		code := fmt.Sprintf("%s%s%s%03s%03d", townCode[:6], c.Major, c.Minor, townCode[6:9], serial[c.Code])
		state, note := directory.Intact, ""
		switch k := r.IntN(100); {
		case k < 10:
			state, note = directory.Damaged, "巡查发现破损，待维修"
		case k < 13:
			state, note = directory.Missing, "巡查发现缺失，已设警示"
		case k < 15:
			state, note = directory.Occupied, "被占用，已告知责任人"
		}
		out = append(out, compPlan{Slug: p.ownerSlug[c.Code], Component: directory.Component{Code: code, State: state,
			Lon: &lon, Lat: &lat, Note: note}})
	}
	return out
}

func pickWeighted(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	i, _ := slices.BinarySearch(cum, x+1)
	return i
}

// enterprises plans a town's enterprises at points inside its grids. The
// grid of each comes from locating its point in an index of the town's grid
// polygons, the same way the server places a reported point.
func (p *plan) enterprises(town int, l *lattice, cells []gridCell, n int, trade []industry) ([]entPlan, error) {
	t := p.areas[town]
	r := rng(p.opt.Seed, "enterprises "+t.Code)
	items := make([]geo.Item, len(cells))
	for i, c := range cells {
		ring := l.ring(c.ix, c.iy, c.ix+1, c.iy+1)
		poly := orb.Polygon{make(orb.Ring, len(ring))}
		for k, q := range ring {
			poly[0][k] = orb.Point(q)
		}
		items[i] = geo.Item{ID: int64(c.area), Geom: orb.MultiPolygon{poly}}
	}
	ix, err := geo.BuildIndex(items)
	if err != nil {
		return nil, err
	}
	city := p.areas[t.Parent].Name
	short := strings.TrimSuffix(strings.TrimSuffix(t.Name, "街道"), "镇")
	parks := guzhenParks
	if t.Code != mainTownCode {
		parks = []string{short + "工业园", short + "科技园"}
	}
	names := map[string]bool{}
	out := make([]entPlan, 0, n)
	for i := range n {
		e := entPlan{Grid: -1}
		ind := pick(r, trade)
		switch {
		case t.Code == mainTownCode && i < len(companies):
			e.Name, e.Account = city+t.Name+companies[i], fmt.Sprintf("ent%d", i+1)
			e.Industry, e.Status = []string{"C3872", "C3874", "C3872", "F5292"}[i], directory.Active // F5292 互联网零售
		default:
			words, sfx := ind.Words, suffixes
			e.Industry, e.Status = ind.Code, directory.Active
			switch k := r.IntN(100); {
			case k < 5:
				e.Status = directory.UnderConstruction
			case k < 9:
				e.Status = directory.StartUp
			case k < 12: // 公用事业: water and gas works, evaluated apart from industry
				u := pick(r, utilities)
				e.Status, e.Industry, words, sfx = directory.Utility, u.Code, u.Words, []string{"有限公司"}
			}
			for e.Name == "" || names[e.Name] {
				e.Name = city + short + pick(r, brands) + pick(r, words) + pick(r, sfx)
			}
		}
		names[e.Name] = true
		e.USCC = p.uscc(r, t.Code[:6])
		if r.IntN(4) == 0 { // a quarter are small plots: under 3 mu
			e.LandMu = 0.5 + float64(r.IntN(25))/10
		} else {
			f := r.Float64()
			e.LandMu = float64(30+int(570*f*f)) / 10
		}
		e.AboveScale = e.Status == directory.Active && (e.LandMu >= 30 || (e.LandMu >= 8 && r.IntN(3) > 0))
		if r.IntN(5) > 0 && e.Status != directory.Utility {
			e.Park = pick(r, parks)
		}
		c := cells[r.IntN(len(cells))]
		lon, lat := l.cellPoint(c.ix, c.iy, 0.15+0.7*r.Float64(), 0.15+0.7*r.Float64())
		if id, ok := ix.Locate(lon, lat); ok {
			e.Grid = int(id)
		} else {
			return nil, fmt.Errorf("demo: enterprise point %.6f,%.6f lies in no grid of %s", lon, lat, t.Name)
		}
		e.Lon, e.Lat = &lon, &lat
		comm := p.areas[p.areas[e.Grid].Parent].Name
		e.Address = fmt.Sprintf("%s%s%s%s%d号", city, t.Name, comm, pick(r, roads), 1+r.IntN(300))
		e.Contacts = []directory.Contact{{Name: personName(r), Phone: demoPhone(r), Role: "法定代表人"}}
		if r.IntN(2) == 0 {
			e.Contacts = append(e.Contacts, directory.Contact{Name: personName(r), Phone: demoPhone(r), Role: "安全员"})
		}
		out = append(out, e)
	}
	return out, nil
}

// uscc makes a unified social credit code (GB 32100) for an enterprise
// (工商 91) registered in division: a GB 11714 organisation code with its own
// check character, then the USCC check character. Unique within the plan.
func (p *plan) uscc(r *rand.Rand, division string) string {
	for {
		body := fmt.Sprintf("%08d", r.IntN(1e8))
		org := body + string(orgCheck(body))
		c, _ := codes.USCCCheckChar("91" + division + org)
		s := "91" + division + org + string(c)
		if !p.usccSeen[s] {
			p.usccSeen[s] = true
			return s
		}
	}
}

// orgCheck is the GB 11714 check character of 8 digits: 11 − (Σ Ci·Wi mod 11),
// 10 written X and 11 written 0.
func orgCheck(body string) byte {
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		sum += int(body[i]-'0') * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// demoPhone is a 138 mobile number: the demo's numbers all start so.
func demoPhone(r *rand.Rand) string { return fmt.Sprintf("138%08d", r.IntN(1e8)) }

// residents plans two residents per community of the main town, with ID
// numbers (GB 11643) registered in the town's city and their consent time.
func (p *plan) residentsOf(town int) {
	t := p.areas[town]
	cells := map[int][]int{} // community → its grids
	for i, a := range p.areas {
		if a.Level == directory.Grid {
			cells[a.Parent] = append(cells[a.Parent], i)
		}
	}
	r := rng(p.opt.Seed, "residents "+t.Code)
	consent0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for ci, a := range p.areas {
		if a.Level != directory.Community || a.Parent != town {
			continue
		}
		for range 2 {
			var id string
			for id == "" || seen[id] {
				birth := time.Date(1945+r.IntN(60), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(365))
				body := t.Code[:6] + birth.Format("20060102") + fmt.Sprintf("%03d", r.IntN(1000))
				c, _ := codes.IDCheckDigit(body)
				id = body + string(c)
			}
			seen[id] = true
			g := pick(r, cells[ci])
			p.residents = append(p.residents, residentPlan{Grid: g, Resident: directory.Resident{
				Name: personName(r), IDNumber: id, Phone: demoPhone(r),
				Address:   fmt.Sprintf("%s%s%s%d号", t.Name, a.Name, pick(r, roads), 1+r.IntN(300)),
				ConsentAt: consent0.Add(time.Duration(r.IntN(300*24)) * time.Hour).UnixMilli(),
				Tags:      slices.Clone(pick(r, residentTags)),
			}})
		}
	}
}
