package scoring

import (
	"math"
	"slices"
	"sync"
)

// Item flags, per entity and item, so that a card explains each score.
const (
	FlagMissing  = 1 << iota // figure not reported, or denominator ≤ 0
	FlagCapped               // score cut to Cap × Weight
	FlagFloored              // score raised to Floor
	FlagMeanRule             // missing, given the group's average score (Huangyan emission rule)
)

// Engine is a compiled, validated scheme; it is immutable and safe for concurrent use.
type Engine struct {
	s *Scheme
}

// Compile validates s and prepares it for scoring.
func Compile(s *Scheme) (*Engine, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &Engine{s: s}, nil
}

// Scheme returns the engine's scheme.
func (e *Engine) Scheme() *Scheme { return e.s }

// Result holds a scored population in column form. Entity i is in group Group[i]
// (−1 when no group matched) at position Pos[i] of that group's arrays.
type Result struct {
	Scheme *Scheme
	In     *Input
	Group  []int16
	Pos    []int32
	Total  []float64
	Rank   []int32   // 1 = best in group; equal totals share a rank; 0 = not ranked
	Pct    []float64 // Rank ÷ group size × 100
	Class  []int16   // index into Groups[g].Classes; −1 = none
	Groups []GroupResult
	cols   map[string][]float64 // input figures, plus a NaN column for each absent one
}

// GroupResult holds one group's item arrays, indexed [item][position].
type GroupResult struct {
	Def     *Group
	Classes []Class
	Members []int32 // entity indexes in input order
	Bench   []float64
	Actual  [][]float64
	Score   [][]float64
	Flags   [][]uint8
}

type boundCond struct {
	op   string
	v    float64
	col  []float64
	code []uint32
	in   []bool // per dictionary entry, for in / not_in
}

// Score evaluates every entity of in; it fails only on columns of unequal length.
func (e *Engine) Score(in *Input) (*Result, error) {
	s := e.s
	n := in.N
	if len(in.ID) != n || len(in.Name) != n {
		return nil, errf("input.length", "id and name columns must have %d entries", n)
	}
	for id, c := range in.Figures {
		if len(c) != n {
			return nil, errf("input.length", "figure %q has %d entries, want %d", id, len(c), n)
		}
	}
	for id, c := range in.Cats {
		if len(c.Code) != n {
			return nil, errf("input.length", "category %q has %d entries, want %d", id, len(c.Code), n)
		}
	}
	// A figure column absent from the sheet means nobody reported it (a sheet of
	// 规下 enterprises has no emissions column); Absent lists them for the caller.
	cols := make(map[string][]float64, len(s.Figures))
	var nan []float64
	for _, f := range s.Figures {
		c, ok := in.Figures[f.ID]
		if !ok {
			if nan == nil {
				nan = make([]float64, n)
				for i := range nan {
					nan[i] = math.NaN()
				}
			}
			c = nan
		}
		cols[f.ID] = c
	}
	conds := make([][]boundCond, len(s.Groups))
	for gi := range s.Groups {
		for _, c := range s.Groups[gi].When {
			conds[gi] = append(conds[gi], bind(in, cols, c))
		}
	}
	r := &Result{Scheme: s, In: in, Group: make([]int16, n), Pos: make([]int32, n),
		Total: make([]float64, n), Rank: make([]int32, n), Pct: make([]float64, n),
		Class: make([]int16, n), Groups: make([]GroupResult, len(s.Groups)), cols: cols}
	counts := make([]int32, len(s.Groups))
	for i := 0; i < n; i++ {
		g := int16(-1)
		for gi := range conds {
			if matchAll(conds[gi], i) {
				g = int16(gi)
				break
			}
		}
		r.Group[i] = g
		r.Class[i] = -1
		if g >= 0 {
			r.Pos[i] = counts[g]
			counts[g]++
		}
	}
	// One flat allocation for all member lists, filled in input order.
	flat := make([]int32, 0, n)
	for gi := range s.Groups {
		r.Groups[gi].Def = &s.Groups[gi]
		r.Groups[gi].Classes, _ = s.Groups[gi].classes(s)
		r.Groups[gi].Members = flat[len(flat) : len(flat) : len(flat)+int(counts[gi])]
		flat = flat[:len(flat)+int(counts[gi])]
	}
	for i := 0; i < n; i++ {
		if g := r.Group[i]; g >= 0 {
			gr := &r.Groups[g]
			gr.Members = append(gr.Members, int32(i))
		}
	}
	// Groups, and the items within a group, are independent: score them on all
	// cores. Each goroutine writes only its own group's entities and arrays.
	var wg sync.WaitGroup
	for gi := range s.Groups {
		wg.Go(func() { r.scoreGroup(gi) })
	}
	wg.Wait()
	return r, nil
}

func bind(in *Input, cols map[string][]float64, c Cond) boundCond {
	bc := boundCond{op: c.Op, v: c.Value}
	if c.Op == "in" || c.Op == "not_in" {
		cat := in.Cats[c.Field]
		if cat == nil {
			// An absent category column means every entity has the value "".
			bc.code = make([]uint32, in.N)
			bc.in = []bool{slices.Contains(c.Values, "")}
			return bc
		}
		bc.code = cat.Code
		bc.in = make([]bool, len(cat.Dict))
		for k, v := range cat.Dict {
			bc.in[k] = slices.Contains(c.Values, v)
		}
		return bc
	}
	bc.col = cols[c.Field]
	return bc
}

func matchAll(cs []boundCond, i int) bool {
	for k := range cs {
		c := &cs[k]
		var ok bool
		switch c.op {
		case "in":
			ok = c.in[c.code[i]]
		case "not_in":
			ok = !c.in[c.code[i]]
		case "missing":
			ok = !(c.col[i] > 0) // NaN or ≤ 0: no land of one's own (租赁企业)
		case ">=":
			ok = c.col[i] >= c.v
		case ">":
			ok = c.col[i] > c.v
		case "<=":
			ok = c.col[i] <= c.v
		case "<":
			ok = c.col[i] < c.v
		case "==":
			ok = c.col[i] == c.v
		}
		if !ok {
			return false
		}
	}
	return true
}

func (r *Result) scoreGroup(gi int) {
	gr := &r.Groups[gi]
	g := gr.Def
	m := len(gr.Members)
	if g.Exempt {
		fixed := int16(slices.IndexFunc(gr.Classes, func(c Class) bool { return c.Code == g.FixedClass }))
		for _, i := range gr.Members {
			r.Class[i] = fixed
		}
		return
	}
	total := make([]float64, m)
	gr.Bench = make([]float64, len(g.Items))
	gr.Actual = make([][]float64, len(g.Items))
	gr.Score = make([][]float64, len(g.Items))
	gr.Flags = make([][]uint8, len(g.Items))
	var wg sync.WaitGroup
	for k := range g.Items {
		wg.Go(func() { r.scoreItem(gr, k) })
	}
	wg.Wait()
	for k := range g.Items {
		for p, v := range gr.Score[k] {
			total[p] += v
		}
	}
	for _, a := range g.Adjustments {
		col := r.cols[a.Figure]
		for p, i := range gr.Members {
			total[p] += a.Sign * adjValue(col[i], a.Max)
		}
	}
	// Ranks are written by position in sorted order (one random-access array), then
	// everything else streams over positions, whose entity indexes rise.
	order := rankOrder(total)
	rankAt := make([]int32, m)
	rank := int32(0)
	for k, p := range order {
		if k == 0 || total[p] != total[order[k-1]] {
			rank = int32(k + 1)
		}
		rankAt[p] = rank
	}
	cls, by := g.classes(r.Scheme)
	fm := float64(m)
	for p, i := range gr.Members {
		t, rk := total[p], rankAt[p]
		r.Total[i], r.Rank[i], r.Pct[i] = t, rk, float64(rk)/fm*100
		r.Class[i] = classOf(cls, by, rk, m, t)
	}
}

// scoreItem computes item k of a group for all its members.
func (r *Result) scoreItem(gr *GroupResult, k int) {
	it := &gr.Def.Items[k]
	m := len(gr.Members)
	num, den := r.cols[it.Num], r.cols[it.Den] // Den "" gives nil: a plain figure
	act, fl, sc := make([]float64, m), make([]uint8, m), make([]float64, m)
	actuals(act, fl, gr.Members, num, den, it.scale())
	b := benchmark(it, act, fl, gr.Members, num, den)
	scoreItem(it, b, act, fl, sc)
	gr.Bench[k], gr.Actual[k], gr.Score[k], gr.Flags[k] = b, act, sc, fl
}

// Absent returns the scheme's figures that the input has no column for; their
// items count as missing for everyone, which an analyst should be told about.
func (e *Engine) Absent(in *Input) []string {
	var out []string
	for _, f := range e.s.Figures {
		if _, ok := in.Figures[f.ID]; !ok {
			out = append(out, f.ID)
		}
	}
	return out
}
