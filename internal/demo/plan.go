package demo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"

	"towngrid/internal/directory"
	"towngrid/internal/workflow"
)

// areaPlan is one area to create; Parent indexes plan.areas (-1 for the root).
type areaPlan struct {
	Level    directory.Level
	Code     string
	Name     string
	Parent   int
	Geometry json.RawMessage
	Props    map[string]any
	// Components are the 部件 of a grid.
	Components []compPlan
}

// mainTownCode is 古镇镇, the town the command staff look after at every size.
const mainTownCode = "442000105"

type plan struct {
	opt      Options
	areas    []areaPlan // parents before children, each community followed by its grids
	top      int        // index of the root area
	mainTown int        // index of the town the staff accounts look after
	accounts []Account

	towns     []townPlan
	rules     []rulePlan     // the ownership rules every town gets
	residents []residentPlan // main town only, and only with a master key
	compCats  []workflow.Category
	compCum   []int             // cumulative weights of compCats
	ownerSlug map[string]string // category code → department slug
	usccSeen  map[string]bool
}

// density is how many enterprises a town gets and the range of components
// per grid. At province size the towns outside 中山市 get fewer, so that the
// ~23 500 grids stay a few seconds' work; 中山市 looks the same at every size.
func density(size, cityCode string) (enterprises int, perGrid [2]int) {
	if size == SizeProvince && cityCode != zhongshan.Code {
		return 12, [2]int{1, 1}
	}
	return 60, [2]int{3, 7}
}

// rng returns a generator for one named part of the demo, so that a part
// (a town, the people) comes out the same whatever else the size adds.
func rng(seed int64, part string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(part))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// citiesFor returns the cities of a size and how many towns each gets.
func citiesFor(size string) ([]citySpec, int, error) {
	switch size {
	case "", SizeTown:
		return []citySpec{zhongshan}, 1, nil
	case SizeCity:
		return []citySpec{zhongshan}, 8, nil
	case SizeProvince:
		return guangdong, 16, nil
	}
	return nil, 0, &Error{Code: "demo.size", Detail: fmt.Sprintf("size %q: want town, city or province", size)}
}

func buildPlan(opt Options) (*plan, error) {
	cities, nTowns, err := citiesFor(opt.Size)
	if err != nil {
		return nil, err
	}
	p := &plan{opt: opt, mainTown: -1, usccSeen: map[string]bool{}, ownerSlug: map[string]string{}}
	if err := p.categories(); err != nil {
		return nil, err
	}
	demoProps := map[string]any{"demo": true, "demo_seed": opt.Seed, "demo_size": opt.sizeName()}
	parent := -1
	if opt.sizeName() == SizeProvince {
		p.areas = append(p.areas, areaPlan{Level: directory.Province, Code: "440000", Name: "广东省", Parent: -1, Props: demoProps})
		parent = 0
	}
	for _, c := range cities {
		props := map[string]any{}
		if parent < 0 {
			props = demoProps
		}
		ci := len(p.areas)
		p.areas = append(p.areas, areaPlan{Level: directory.City, Code: c.Code, Name: c.Name, Parent: parent, Props: props})
		used := map[string]bool{}
		for _, t := range c.Towns {
			used[t.Num] = true
		}
		specs := slices.Clone(c.Towns)
		if len(specs) > nTowns {
			specs = specs[:nTowns]
		}
		tr := rng(opt.Seed, "towns "+c.Code)
		for len(specs) < nTowns {
			name := pick(tr, placeA) + pick(tr, placeB) + "镇"
			if !slices.ContainsFunc(specs, func(s townSpec) bool { return s.Name == name }) {
				specs = append(specs, townSpec{Name: name})
			}
		}
		nextJD, nextZ := 1, 100
		for i, t := range specs {
			if t.Num == "" { // 街道 001–099, 镇 100–199 (GB/T 10114)
				for {
					n := &nextZ
					if strings.HasSuffix(t.Name, "街道") {
						n = &nextJD
					}
					t.Num = fmt.Sprintf("%03d", *n)
					*n++
					if !used[t.Num] {
						used[t.Num] = true
						break
					}
				}
			}
			if !t.Placed {
				t.Col, t.Row = i%4, i/4
			}
			if c.Code+t.Num == mainTownCode {
				p.mainTown = len(p.areas)
			}
			if err := p.addTown(ci, c, t); err != nil {
				return nil, err
			}
		}
	}
	if parent >= 0 {
		p.top = parent
	} else {
		p.top = 0
	}
	p.accounts = people(p)
	if p.opt.Secrets != nil {
		p.residentsOf(p.mainTown)
	}
	return p, nil
}

// addTown appends a town, its communities and their grids.
func (p *plan) addTown(cityIdx int, c citySpec, t townSpec) error {
	code := c.Code + t.Num
	r := rng(p.opt.Seed, "town "+code)
	// Community blocks: C columns × R rows. Each column of blocks is a cells
	// wide and each row b cells high, so a community holds a×b grids (6–15).
	names := t.Communities
	cols, rows := 3+r.IntN(2), 3+r.IntN(2)
	if names != nil {
		cols, rows = layoutFor(len(names))
	}
	if names == nil {
		names = madeUpCommunities(r, cols*rows)
	}
	a := make([]int, cols)
	b := make([]int, rows)
	wx := make([]float64, cols)
	wy := make([]float64, rows)
	for i := range a {
		a[i], wx[i] = 2+r.IntN(2), 0.7+0.6*r.Float64()
	}
	for i := range b {
		b[i], wy[i] = 3+r.IntN(3), 0.7+0.6*r.Float64()
	}
	lon0 := c.Lon + float64(t.Col)*tileLon
	lat0 := c.Lat + float64(t.Row)*tileLat
	xs, xstart := subdivide(cuts(lon0, lon0+tileLon, wx), a)
	ys, ystart := subdivide(cuts(lat0, lat0+tileLat, wy), b)
	lat := newLattice(r, xs, ys)
	rc := rng(p.opt.Seed, "components "+code)
	nEnt, perGrid := density(p.opt.sizeName(), c.Code)
	serial := map[string]int{}
	var cells []gridCell

	kind := "镇"
	if strings.HasSuffix(t.Name, "街道") {
		kind = "街道"
	}
	townProps := map[string]any{"kind": kind}
	if t.Feature != "" {
		townProps["feature"] = t.Feature
	}
	ti := len(p.areas)
	p.areas = append(p.areas, areaPlan{Level: directory.Town, Code: code, Name: t.Name, Parent: cityIdx,
		Geometry: polygonJSON(lat.ring(0, 0, lat.nx, lat.ny)), Props: townProps})
	townPop, townHH := 0, 0
	village, resident := 201, 1 // 村委会 2xx, 居委会 0xx–1xx (统计用区划代码 城乡分类)
	for k, name := range names {
		// Blocks in reading order: north-west first.
		col, row := k%cols, rows-1-k/cols
		x0, x1 := xstart[col], xstart[col+1]
		y0, y1 := ystart[row], ystart[row+1]
		var num int
		if strings.HasSuffix(name, "村") {
			num, village = village, village+1
		} else {
			num, resident = resident, resident+1
		}
		ccode := fmt.Sprintf("%s%03d", code, num)
		cidx := len(p.areas)
		p.areas = append(p.areas, areaPlan{Level: directory.Community, Code: ccode, Name: name, Parent: ti,
			Geometry: polygonJSON(lat.ring(x0, y0, x1, y1))})
		pop, hh, seq := 0, 0, 1
		for iy := y1 - 1; iy >= y0; iy-- {
			for ix := x0; ix < x1; ix++ {
				h := 120 + r.IntN(380)
				n := h*2 + r.IntN(h*2) // 2–4 people a household, 新市民 included
				cell := gridCell{len(p.areas), ix, iy}
				cells = append(cells, cell)
				p.areas = append(p.areas, areaPlan{Level: directory.Grid, Code: fmt.Sprintf("%s%02d", ccode, seq),
					Name: fmt.Sprintf("%s第%d网格", name, seq), Parent: cidx,
					Geometry:   polygonJSON(lat.ring(ix, iy, ix+1, iy+1)),
					Props:      map[string]any{"households": h, "population": n, "buildings": 8 + r.IntN(40)},
					Components: p.components(rc, lat, cell, code, serial, perGrid)})
				pop, hh, seq = pop+n, hh+h, seq+1
			}
		}
		p.areas[cidx].Props = map[string]any{"population": pop, "households": hh, "grids": seq - 1}
		townPop, townHH = townPop+pop, townHH+hh
	}
	townProps["population"], townProps["households"], townProps["communities"] = townPop, townHH, len(names)
	trade := genericTrade
	switch {
	case code == mainTownCode:
		trade = lighting
	case otherTrade[t.Feature] != nil:
		trade = append(slices.Clone(otherTrade[t.Feature]), genericTrade...)
	}
	ents, err := p.enterprises(ti, lat, cells, nEnt, trade)
	if err != nil {
		return err
	}
	p.towns = append(p.towns, townPlan{Area: ti, Enterprises: ents})
	return nil
}

// categories loads the seeded category table: the ownership rules, and the
// 部件 小类 with their weights for drawing components.
func (p *plan) categories() error {
	cats, err := workflow.SeedCategories()
	if err != nil {
		return err
	}
	p.rules = ownershipRules(cats)
	slugOf := map[string]string{}
	for _, d := range deptSpecs {
		slugOf[d.Kind] = d.Slug
	}
	sum := 0
	for _, c := range cats.Categories {
		if s, ok := slugOf[c.Owner]; ok {
			p.ownerSlug[c.Code] = s
		} else {
			p.ownerSlug[c.Code] = fallbackDept
		}
		if c.Class != "component" {
			continue
		}
		w, ok := componentWeight[c.Code]
		if !ok {
			w = 1
		}
		sum += w
		p.compCats, p.compCum = append(p.compCats, c), append(p.compCum, sum)
	}
	return nil
}

// layoutFor picks C×R blocks for n named communities (n ≤ C·R, as square as fits).
func layoutFor(n int) (cols, rows int) {
	for rows = 1; rows*rows < n; rows++ {
	}
	cols = (n + rows - 1) / rows
	return cols, rows
}

func madeUpCommunities(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		name := pick(r, placeA) + pick(r, placeB)
		if seen[name] {
			continue
		}
		seen[name] = true
		if r.IntN(3) == 0 {
			out = append(out, name+"村")
		} else {
			out = append(out, name+"社区")
		}
	}
	return out
}
