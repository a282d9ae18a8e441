package scoring

import (
	"math"
	"sort"
)

// Card explains one entity's evaluation item by item (the enterprise's own page).
type Card struct {
	ID           string      `json:"id"`
	Name         string      `json:"name,omitempty"`
	Group        string      `json:"group,omitempty"` // empty: no group matched
	GroupName    string      `json:"group_name,omitempty"`
	Items        []ItemScore `json:"items,omitempty"`
	Adjustments  float64     `json:"adjustments,omitempty"` // Σ bonus − Σ deduction
	Total        float64     `json:"total"`
	Rank         int         `json:"rank,omitempty"`
	GroupSize    int         `json:"group_size"`
	Percentile   float64     `json:"percentile,omitempty"`
	Class        string      `json:"class,omitempty"`
	ClassName    string      `json:"class_name,omitempty"`
	Unclassified bool        `json:"unclassified,omitempty"` // exempt: managed as Class, not ranked
}

// ItemScore is one item on a card. Actual is null when missing.
type ItemScore struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Unit      string   `json:"unit,omitempty"`
	Actual    *float64 `json:"actual"`
	Benchmark float64  `json:"benchmark"`
	Weight    float64  `json:"weight"`
	Score     float64  `json:"score"`
	Missing   bool     `json:"missing,omitempty"`
	MeanRule  bool     `json:"mean_rule,omitempty"`
	Capped    bool     `json:"capped,omitempty"`
	Floored   bool     `json:"floored,omitempty"`
}

// Card returns entity i's card.
func (r *Result) Card(i int) Card {
	c := Card{ID: r.In.ID[i], Name: r.In.Name[i], Total: r.Total[i]}
	g := r.Group[i]
	if g < 0 {
		return c
	}
	gr := &r.Groups[g]
	c.Group, c.GroupName, c.GroupSize = gr.Def.ID, gr.Def.Name, len(gr.Members)
	if k := r.Class[i]; k >= 0 {
		c.Class, c.ClassName = gr.Classes[k].Code, gr.Classes[k].Name
	}
	if gr.Def.Exempt {
		c.Unclassified = true
		return c
	}
	c.Rank, c.Percentile = int(r.Rank[i]), r.Pct[i]
	p := r.Pos[i]
	sum := 0.0
	for k := range gr.Def.Items {
		it := &gr.Def.Items[k]
		f := gr.Flags[k][p]
		s := ItemScore{ID: it.ID, Name: it.Name, Unit: it.Unit, Benchmark: gr.Bench[k], Weight: it.Weight,
			Score: gr.Score[k][p], Missing: f&FlagMissing != 0, MeanRule: f&FlagMeanRule != 0,
			Capped: f&FlagCapped != 0, Floored: f&FlagFloored != 0}
		if !s.Missing {
			a := gr.Actual[k][p]
			s.Actual = &a
		}
		sum += s.Score
		c.Items = append(c.Items, s)
	}
	c.Adjustments = c.Total - sum
	return c
}

// ClassCode returns entity i's class code, "" when none.
func (r *Result) ClassCode(i int) string {
	g, k := r.Group[i], r.Class[i]
	if g < 0 || k < 0 {
		return ""
	}
	return r.Groups[g].Classes[k].Code
}

// Ratio is a pooled ratio of two figure sums reported per unit, e.g. 亩均税收 of a
// town = Σ tax ÷ Σ land (the statistical, area-weighted mean).
type Ratio struct {
	ID  string  `json:"id"`
	Num string  `json:"num"`
	Den string  `json:"den"`
	Mul float64 `json:"mul,omitempty"`
}

// UnitAggregate summarises the entities of one unit (park, town) for the town
// assessment and the command centre.
type UnitAggregate struct {
	Unit         string             `json:"unit"`
	N            int                `json:"n"`
	ByClass      map[string]int     `json:"by_class"`
	Unclassified int                `json:"unclassified"`
	NoGroup      int                `json:"no_group"`
	MeanScore    float64            `json:"mean_score"` // over ranked entities
	Sums         map[string]float64 `json:"sums"`       // missing figures count 0
	Ratios       map[string]float64 `json:"ratios"`
}

// Aggregate groups entities by the category column by ("unit" for park/town; an
// absent column yields one unit "") and reports class counts, figure sums and ratios.
func (r *Result) Aggregate(by string, sums []string, ratios []Ratio) ([]UnitAggregate, error) {
	var code []uint32
	dict := []string{""}
	if c := r.In.Cats[by]; c != nil {
		code, dict = c.Code, c.Dict
	}
	need := append([]string{}, sums...)
	for _, q := range ratios {
		need = append(need, q.Num, q.Den)
	}
	cols := map[string][]float64{}
	for _, f := range need {
		col, ok := r.In.Figures[f]
		if !ok {
			return nil, errf("input.missing_figure", "the input has no column for figure %q", f)
		}
		cols[f] = col
	}
	type acc struct {
		n, unc, none, ranked int
		score                float64
		byClass              map[string]int
		sums                 map[string]float64
	}
	accs := make([]*acc, len(dict))
	for i := 0; i < r.In.N; i++ {
		u := uint32(0)
		if code != nil {
			u = code[i]
		}
		a := accs[u]
		if a == nil {
			a = &acc{byClass: map[string]int{}, sums: map[string]float64{}}
			accs[u] = a
		}
		a.n++
		switch g := r.Group[i]; {
		case g < 0:
			a.none++
		case r.Groups[g].Def.Exempt:
			a.unc++
		default:
			a.ranked++
			a.score += r.Total[i]
		}
		if cc := r.ClassCode(i); cc != "" {
			a.byClass[cc]++
		}
		for f, col := range cols {
			if v := col[i]; !math.IsNaN(v) {
				a.sums[f] += v
			}
		}
	}
	var out []UnitAggregate
	for u, a := range accs {
		if a == nil {
			continue
		}
		ua := UnitAggregate{Unit: dict[u], N: a.n, ByClass: a.byClass, Unclassified: a.unc, NoGroup: a.none,
			Sums: map[string]float64{}, Ratios: map[string]float64{}}
		if a.ranked > 0 {
			ua.MeanScore = a.score / float64(a.ranked)
		}
		for _, f := range sums {
			ua.Sums[f] = a.sums[f]
		}
		for _, q := range ratios {
			mul := q.Mul
			if mul == 0 {
				mul = 1
			}
			if d := a.sums[q.Den]; d > 0 {
				ua.Ratios[q.ID] = a.sums[q.Num] / d * mul
			}
		}
		out = append(out, ua)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}
