// Package scoring is the one scoring engine of towngrid: entities with reported
// figures → indicators → item scores → total → rank → class. Per-mu evaluation of
// enterprises (亩均论英雄) is a set of seeded schemes; the classified assessment of
// towns and the performance of posts and departments are further schemes on the
// same engine. A Scheme is plain, JSON-serialisable data with a version and an
// effective date, so that the storage layer keeps it in a versioned rules table.
package scoring

import (
	"math"
	"time"
)

// Scheme is one evaluation scheme (评价办法) of one jurisdiction for one data year.
type Scheme struct {
	ID           string   `json:"id"`
	Version      int      `json:"version"`
	Name         string   `json:"name"`
	NameEn       string   `json:"name_en,omitempty"`
	Jurisdiction string   `json:"jurisdiction"`
	DataYear     int      `json:"data_year"`
	Effective    string   `json:"effective"` // YYYY-MM-DD
	Sources      []string `json:"sources,omitempty"`
	Notes        []string `json:"notes,omitempty"`
	Figures      []Figure `json:"figures"`
	// Groups are tried in order; an entity belongs to the first whose conditions all hold.
	Groups []Group `json:"groups"`
	// Classes and ClassBy apply to every group that does not override them.
	Classes  []Class   `json:"classes"`
	ClassBy  string    `json:"class_by"` // "percentile" or "score"
	Policies []Policy  `json:"policies,omitempty"`
	Exit     *ExitRule `json:"exit,omitempty"`
}

// Figure is a reported figure (a column of the input), e.g. tax in 万元.
type Figure struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	NameEn  string   `json:"name_en,omitempty"`
	Unit    string   `json:"unit,omitempty"`
	Aliases []string `json:"aliases,omitempty"` // other header spellings accepted on input
}

// Group is a population with its own indicator list (规上, 规下, <3 亩, exempt …).
type Group struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEn string `json:"name_en,omitempty"`
	When   []Cond `json:"when,omitempty"`
	Items  []Item `json:"items,omitempty"`
	// Adjustments are bonus (加分) and deduction (减分) items read from figures.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// Exempt groups are not scored or ranked; they are managed as FixedClass
	// (不定等级, 按B类管理) and reported as unclassified.
	Exempt     bool    `json:"exempt,omitempty"`
	FixedClass string  `json:"fixed_class,omitempty"`
	Classes    []Class `json:"classes,omitempty"`
	ClassBy    string  `json:"class_by,omitempty"`
	Note       string  `json:"note,omitempty"`
}

// Cond is one population rule. Field is a figure id or a category ("scale", "kind",
// "unit"). Ops: ">=", ">", "<=", "<", "==" on figures (a missing figure fails them),
// "missing" (figure absent or ≤ 0), "in" / "not_in" on categories.
type Cond struct {
	Field  string   `json:"field"`
	Op     string   `json:"op"`
	Value  float64  `json:"value,omitempty"`
	Values []string `json:"values,omitempty"`
}

// Item modes. Linear is the per-mu rule actual ÷ benchmark × weight (standards.md §1.2).
const (
	ModeLinear     = "linear"     // actual / benchmark × weight
	ModeComplement = "complement" // (1 − actual / benchmark) × weight, for "lower is better" rates
	ModeAtLeast    = "at_least"   // weight if actual ≥ benchmark, else 0 (town thresholds, §2.3)
	ModeAtMost     = "at_most"    // weight if actual ≤ benchmark, else 0
	ModeSteps      = "steps"      // points of the highest step whose Min ≤ actual (post tables, §4.2)
	MissingZero    = "zero"       // a missing item scores 0 (default)
	MissingMean    = "group_mean" // the group's average score on the item (Huangyan emission rule)
	BenchGiven     = "given"      // Benchmark.Value
	BenchMean      = "mean"       // mean of the group's actual values
	BenchPooled    = "pooled"     // Σ numerator / Σ denominator over the group (a county average)
	BenchMedian    = "median"     // median of actual values
	BenchPercentil = "percentile" // P-th percentile of actual values (linear interpolation)
	ClassByPct     = "percentile" // classes by rank percentile cut-offs
	ClassByScore   = "score"      // classes by score thresholds
	capEps         = 1e-12
)

// Item is one indicator with its scoring rule. The indicator is a ratio of two
// figures times a scale (or one figure when Den is empty): every indicator of
// standards.md §1.1, §2.3 and §4.2 is of this form. A fixed ratio rather than an
// expression language keeps a scheme checkable when it is saved, lets the UI edit
// it with two drop-downs, and evaluates as a tight loop over two columns.
type Item struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Num       string    `json:"num"`
	Den       string    `json:"den,omitempty"`
	Scale     float64   `json:"scale,omitempty"` // 0 means 1; e.g. 10000 turns 万元/kWh into 元/kWh
	Mode      string    `json:"mode,omitempty"`  // default linear
	Benchmark Benchmark `json:"benchmark"`
	Weight    float64   `json:"weight"`
	// Cap is a multiple of Weight the item score may not exceed (0 = none, §1.2 [A]).
	Cap float64 `json:"cap,omitempty"`
	// Floor is the lowest item score; nil means 0 (negative tax scores 0, §1.2 [A]).
	Floor   *float64 `json:"floor,omitempty"`
	Missing string   `json:"missing,omitempty"` // default zero
	Steps   []Step   `json:"steps,omitempty"`
}

// Benchmark (基准值) is given, or computed from the group's population.
type Benchmark struct {
	Kind  string  `json:"kind"`
	Value float64 `json:"value,omitempty"`
	P     float64 `json:"p,omitempty"` // for percentile, 0..100
}

// Step is a row of a step table: actual ≥ Min earns Points.
type Step struct {
	Min    float64 `json:"min"`
	Points float64 `json:"points"`
}

// Adjustment adds (Sign +1) or deducts (Sign −1) a figure's value, at most Max (0 = no limit).
type Adjustment struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Figure string  `json:"figure"`
	Sign   float64 `json:"sign"`
	Max    float64 `json:"max,omitempty"`
}

// Class is a result class. With percentile classing an entity whose rank
// percentile (rank ÷ group size × 100) is ≤ TopPct gets the first such class; with
// score classing it gets the first class whose MinScore ≤ total. List best first.
type Class struct {
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	NameEn   string  `json:"name_en,omitempty"`
	TopPct   float64 `json:"top_pct,omitempty"`
	MinScore float64 `json:"min_score,omitempty"`
}

// EffectiveDate parses Effective.
func (s *Scheme) EffectiveDate() (time.Time, error) {
	return time.Parse(time.DateOnly, s.Effective)
}

func (it *Item) scale() float64 {
	if it.Scale == 0 {
		return 1
	}
	return it.Scale
}

func (it *Item) floor() float64 {
	if it.Floor == nil {
		return 0
	}
	return *it.Floor
}

func (it *Item) capScore() float64 {
	if it.Cap <= 0 {
		return math.Inf(1)
	}
	return it.Cap * it.Weight
}

func (g *Group) classes(s *Scheme) ([]Class, string) {
	if len(g.Classes) > 0 {
		by := g.ClassBy
		if by == "" {
			by = s.ClassBy
		}
		return g.Classes, by
	}
	return s.Classes, s.ClassBy
}

// Validate checks that a scheme is complete and consistent; the error is an *Error.
func (s *Scheme) Validate() error {
	if s.ID == "" || s.Name == "" {
		return errf("scheme.id", "scheme needs an id and a name")
	}
	if _, err := s.EffectiveDate(); err != nil {
		return errf("scheme.effective", "effective date %q is not YYYY-MM-DD", s.Effective)
	}
	figs := map[string]bool{}
	for _, f := range s.Figures {
		if f.ID == "" || figs[f.ID] || isCategory(f.ID) {
			return errf("scheme.figure", "figure id %q is empty, duplicated or reserved", f.ID)
		}
		figs[f.ID] = true
	}
	if len(s.Groups) == 0 {
		return errf("scheme.groups", "scheme has no groups")
	}
	codes := map[string]bool{}
	for _, c := range s.Classes {
		codes[c.Code] = true
	}
	gids := map[string]bool{}
	for gi := range s.Groups {
		g := &s.Groups[gi]
		if g.ID == "" || gids[g.ID] {
			return errf("scheme.group", "group id %q is empty or duplicated", g.ID)
		}
		gids[g.ID] = true
		for _, c := range g.When {
			if err := c.validate(figs); err != nil {
				return err
			}
		}
		if g.Exempt {
			continue
		}
		cls, by := g.classes(s)
		if err := validateClasses(cls, by); err != nil {
			return err
		}
		if len(g.Items) == 0 {
			return errf("scheme.items", "group %s has no items", g.ID)
		}
		ids := map[string]bool{}
		for ii := range g.Items {
			if err := g.Items[ii].validate(figs, ids); err != nil {
				return err
			}
		}
		for _, a := range g.Adjustments {
			if !figs[a.Figure] || (a.Sign != 1 && a.Sign != -1) || a.Max < 0 {
				return errf("scheme.adjustment", "adjustment %s: unknown figure %q or bad sign/max", a.ID, a.Figure)
			}
		}
	}
	for _, g := range s.Groups {
		if g.Exempt && g.FixedClass != "" && !codes[g.FixedClass] {
			return errf("scheme.fixed_class", "group %s: fixed class %q is not a class", g.ID, g.FixedClass)
		}
	}
	for _, p := range s.Policies {
		if !codes[p.Class] || p.Measure == "" || p.FromYear < 0 {
			return errf("scheme.policy", "policy %q for class %q is malformed", p.Measure, p.Class)
		}
	}
	if s.Exit != nil && (!codes[s.Exit.Class] || s.Exit.ConsecutiveYears < 1) {
		return errf("scheme.exit", "exit rule needs a known class and ≥ 1 year")
	}
	return nil
}

func isCategory(f string) bool { return f == "scale" || f == "kind" || f == "unit" }

func (c *Cond) validate(figs map[string]bool) error {
	switch c.Op {
	case ">=", ">", "<=", "<", "==", "missing":
		if !figs[c.Field] {
			return errf("scheme.cond", "condition on unknown figure %q", c.Field)
		}
	case "in", "not_in":
		if !isCategory(c.Field) {
			return errf("scheme.cond", "%q works on scale, kind or unit, not %q", c.Op, c.Field)
		}
	default:
		return errf("scheme.cond", "unknown operator %q", c.Op)
	}
	return nil
}

func (it *Item) validate(figs, ids map[string]bool) error {
	if it.ID == "" || ids[it.ID] {
		return errf("scheme.item", "item id %q is empty or duplicated", it.ID)
	}
	ids[it.ID] = true
	if !figs[it.Num] || (it.Den != "" && !figs[it.Den]) {
		return errf("scheme.item", "item %s refers to an unknown figure", it.ID)
	}
	if it.Weight < 0 || math.IsNaN(it.Weight) || math.IsInf(it.Weight, 0) || it.Cap < 0 {
		return errf("scheme.item", "item %s: weight and cap must be finite and ≥ 0", it.ID)
	}
	switch it.Mode {
	case "", ModeLinear, ModeComplement, ModeAtLeast, ModeAtMost:
	case ModeSteps:
		if len(it.Steps) == 0 {
			return errf("scheme.item", "item %s: steps mode needs steps", it.ID)
		}
		for i := 1; i < len(it.Steps); i++ {
			if it.Steps[i].Min <= it.Steps[i-1].Min {
				return errf("scheme.item", "item %s: steps must rise by min", it.ID)
			}
		}
	default:
		return errf("scheme.item", "item %s: unknown mode %q", it.ID, it.Mode)
	}
	switch it.Missing {
	case "", MissingZero, MissingMean:
	default:
		return errf("scheme.item", "item %s: unknown missing rule %q", it.ID, it.Missing)
	}
	b := it.Benchmark
	switch b.Kind {
	case BenchGiven:
		if it.Mode != ModeSteps && (b.Value == 0 || math.IsNaN(b.Value) || math.IsInf(b.Value, 0)) {
			return errf("scheme.benchmark", "item %s: a given benchmark must be finite and non-zero", it.ID)
		}
	case BenchMean, BenchMedian:
	case BenchPooled:
		if it.Den == "" {
			return errf("scheme.benchmark", "item %s: pooled benchmark needs a denominator", it.ID)
		}
	case BenchPercentil:
		if b.P < 0 || b.P > 100 {
			return errf("scheme.benchmark", "item %s: percentile must be in 0..100", it.ID)
		}
	default:
		if it.Mode != ModeSteps {
			return errf("scheme.benchmark", "item %s: unknown benchmark kind %q", it.ID, b.Kind)
		}
	}
	return nil
}

func validateClasses(cls []Class, by string) error {
	if len(cls) == 0 {
		return errf("scheme.classes", "no classes")
	}
	switch by {
	case ClassByPct:
		for i, c := range cls {
			if c.TopPct <= 0 || c.TopPct > 100 || (i > 0 && c.TopPct <= cls[i-1].TopPct) {
				return errf("scheme.classes", "percentile cut-offs must rise within (0, 100]")
			}
		}
		if cls[len(cls)-1].TopPct != 100 {
			return errf("scheme.classes", "the last class must reach 100 %%")
		}
	case ClassByScore:
		for i := 1; i < len(cls)-1; i++ {
			if cls[i].MinScore >= cls[i-1].MinScore {
				return errf("scheme.classes", "score thresholds must fall, best class first")
			}
		}
	default:
		return errf("scheme.class_by", "class_by must be percentile or score, not %q", by)
	}
	return nil
}
