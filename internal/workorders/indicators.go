package workorders

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/workflow/indicators"
)

// IndicatorRow is one group's counts and rates with their comparisons.
type IndicatorRow struct {
	Key      string                       `json:"key"` // category code, source, area id, or "" for the total
	Name     string                       `json:"name,omitempty"`
	Counters indicators.Counters          `json:"counters"`
	Rates    indicators.Rates             `json:"rates"`
	MoM      map[string]indicators.Change `json:"mom"` // 环比: against the previous period
	YoY      map[string]indicators.Change `json:"yoy"` // 同比: against the same period a year before
}

// IndicatorReport is the answer of GET /api/v1/indicators.
type IndicatorReport struct {
	AreaID   int64          `json:"area_id"`
	Period   string         `json:"period"`
	Previous string         `json:"previous"`
	YearAgo  string         `json:"year_ago"`
	Group    string         `json:"group,omitempty"`
	Total    IndicatorRow   `json:"total"`
	Groups   []IndicatorRow `json:"groups"`
}

// months expands a period (YYYY, YYYY-Qn, YYYY-MM) into the months the
// counters are kept by.
func months(p string) ([]string, bool) {
	if !indicators.ValidPeriod(p) {
		return nil, false
	}
	switch {
	case len(p) == 7 && p[4] == '-' && p[5] != 'Q':
		return []string{p}, true
	case len(p) == 7 && p[5] == 'Q':
		q := int(p[6] - '0')
		var out []string
		for m := 3*q - 2; m <= 3*q; m++ {
			out = append(out, fmt.Sprintf("%s-%02d", p[:4], m))
		}
		return out, true
	case len(p) == 4:
		var out []string
		for m := 1; m <= 12; m++ {
			out = append(out, fmt.Sprintf("%s-%02d", p, m))
		}
		return out, true
	}
	return nil, false
}

// groupKey names the cell's group below area (path) for a grouping.
func groupKey(c store.CounterCell, group, path string) string {
	switch group {
	case "category":
		return c.Key.Category
	case "source":
		return c.Key.Source
	case "area":
		rest := strings.TrimPrefix(c.Key.AreaPath, path)
		if i := strings.IndexByte(rest, '/'); i > 0 {
			return rest[:i]
		}
		ids := directory.AncestorIDs(path)
		if len(ids) > 0 {
			return strconv.FormatInt(ids[len(ids)-1], 10)
		}
	}
	return ""
}

// Indicators sums the pre-aggregated cells of an area for a period and its
// 环比/同比 bases. Its cost depends on the number of cells (grids ×
// categories × sources), not on the number of work orders.
func (e *Engine) Indicators(ctx context.Context, area *directory.Area, period, group string) (*IndicatorReport, error) {
	cur, ok := months(period)
	if !ok {
		return nil, invalid("period", "indicators.period", "a period YYYY-MM, YYYY-Qn or YYYY")
	}
	switch group {
	case "", "category", "source", "area":
	default:
		return nil, invalid("group", "indicators.group", "one of category, source, area")
	}
	prev, _ := indicators.Previous(period)
	ago, _ := indicators.YearAgo(period)
	pm, _ := months(prev)
	am, _ := months(ago)
	all := append(append(append([]string{}, cur...), pm...), am...)
	by := group
	if group == "area" {
		by = "area_path" // summed per grid, then per child area here
	}
	cells, err := e.DB.CounterSums(ctx, all, area.Path, by)
	if err != nil {
		return nil, err
	}
	which := map[string]int{}
	for _, m := range cur {
		which[m] = 0
	}
	for _, m := range pm {
		which[m] = 1
	}
	for _, m := range am {
		which[m] = 2
	}
	type acc [3]indicators.Counters
	total := acc{}
	groups := map[string]*acc{}
	for _, c := range cells {
		i := which[c.Key.Period]
		total[i].Merge(c.Counters)
		if group != "" {
			k := groupKey(c, group, area.Path)
			if groups[k] == nil {
				groups[k] = &acc{}
			}
			groups[k][i].Merge(c.Counters)
		}
	}
	row := func(key string, a *acc) IndicatorRow {
		r := IndicatorRow{Key: key, Counters: a[0], Rates: a[0].Rates()}
		r.MoM, r.YoY = compare(a[0], a[1]), compare(a[0], a[2])
		return r
	}
	rep := &IndicatorReport{AreaID: area.ID, Period: period, Previous: prev, YearAgo: ago, Group: group, Total: row("", &total), Groups: []IndicatorRow{}}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rep.Groups = append(rep.Groups, row(k, groups[k]))
	}
	return rep, nil
}

// compare gives the changes of the headline figures (counts: growth %,
// rates: percentage points).
func compare(cur, base indicators.Counters) map[string]indicators.Change {
	cr, br := cur.Rates(), base.Rates()
	out := map[string]indicators.Change{
		"reported":  indicators.Compare(float64(cur.Reported), float64(base.Reported)),
		"due_close": indicators.Compare(float64(cr.DueClose), float64(br.DueClose)),
		"closed":    indicators.Compare(float64(cur.Closed), float64(base.Closed)),
	}
	for name, p := range map[string][2]indicators.Pct{
		"close_rate": {cr.CloseRate, br.CloseRate}, "on_time_close_rate": {cr.OnTimeCloseRate, br.OnTimeCloseRate},
		"dispose_rate": {cr.DisposeRate, br.DisposeRate}, "on_time_dispose_rate": {cr.OnTimeDispose, br.OnTimeDispose},
	} {
		a, _ := p[0].Value()
		b, _ := p[1].Value()
		out[name] = indicators.Compare(a, b)
	}
	return out
}

// PostResult is one post's or area's evaluation.
type PostResult struct {
	Scheme string            `json:"scheme"`
	Label  string            `json:"label"`
	AreaID int64             `json:"area_id,omitempty"`
	Result indicators.Result `json:"result"`
}

// PostReport is the answer of GET /api/v1/indicators/posts.
type PostReport struct {
	AreaID  int64        `json:"area_id"`
	Period  string       `json:"period"`
	Posts   []PostResult `json:"posts"`   // 监督员, 受理员, 值班长, 派遣员 over the area
	Regions []PostResult `json:"regions"` // 区域综合指标值 of each child area
}

// Posts evaluates the post schemes over the area's counters and the region
// scheme (一类区域) for each child area, with A–E grades (§5.6).
func (e *Engine) Posts(ctx context.Context, area *directory.Area, period string) (*PostReport, error) {
	cur, ok := months(period)
	if !ok {
		return nil, invalid("period", "indicators.period", "a period YYYY-MM, YYYY-Qn or YYYY")
	}
	cells, err := e.DB.CounterSums(ctx, cur, area.Path, "area_path")
	if err != nil {
		return nil, err
	}
	var total indicators.Counters
	byArea := map[string]*indicators.Counters{}
	for _, c := range cells {
		total.Merge(c.Counters)
		k := groupKey(c, "area", area.Path)
		if byArea[k] == nil {
			byArea[k] = &indicators.Counters{}
		}
		byArea[k].Merge(c.Counters)
	}
	schemes := map[string]indicators.Scheme{}
	seeds, err := indicators.SeedSchemes()
	if err != nil {
		return nil, err
	}
	for _, s := range seeds {
		schemes[s.ID] = s
		if r, err := e.DB.RuleInForce(ctx, KindPostScheme, s.ID, period[:4]+"-12-31"); err == nil {
			if p, err := parsed(e, ctx, r, parseScheme); err == nil {
				schemes[s.ID] = *p
			}
		}
	}
	rep := &PostReport{AreaID: area.ID, Period: period, Posts: []PostResult{}, Regions: []PostResult{}}
	for _, id := range []string{"supervisor", "intake", "shift_lead", "dispatcher"} {
		if s, ok := schemes[id]; ok {
			rep.Posts = append(rep.Posts, PostResult{Scheme: s.ID, Label: s.Label, Result: s.Evaluate(values(total))})
		}
	}
	keys := make([]string, 0, len(byArea))
	for k := range byArea {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if s, ok := schemes["region_1"]; ok {
		for _, k := range keys {
			id, _ := strconv.ParseInt(k, 10, 64)
			rep.Regions = append(rep.Regions, PostResult{Scheme: s.ID, Label: s.Label, AreaID: id, Result: s.Evaluate(values(*byArea[k]))})
		}
	}
	return rep, nil
}

// values adds the 受理员 figures the counters can give: 受理数 and 按时派发核实率
// (the 受理 step done within its limit). 按时派发核查率 needs per-person
// events and stays missing (flagged in the result).
func values(c indicators.Counters) map[string]float64 {
	v := c.Values()
	v["accepted_count"] = float64(c.IntakeDone)
	if c.IntakeDone > 0 {
		v["on_time_verify_dispatch_rate"] = indicators.Round2(100 * float64(c.IntakeOnTime) / float64(c.IntakeDone))
	}
	return v
}

func parseScheme(b []byte) (*indicators.Scheme, error) {
	var s indicators.Scheme
	if err := strictJSON(b, &s); err != nil {
		return nil, err
	}
	return &s, s.Validate()
}
