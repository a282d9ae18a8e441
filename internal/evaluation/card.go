package evaluation

import (
	"context"
	"encoding/json"

	"towngrid/internal/directory"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
)

// Why explains a class: the group the enterprise was ranked in, its rank and
// percentile, and the scheme's cut-off that gave the class.
type Why struct {
	Group        string  `json:"group"`
	GroupName    string  `json:"group_name"`
	Rank         int     `json:"rank,omitempty"`
	GroupSize    int     `json:"group_size"`
	Percentile   float64 `json:"percentile,omitempty"`
	ClassBy      string  `json:"class_by,omitempty"`     // percentile or score
	CutOff       float64 `json:"cut_off,omitempty"`      // top_pct or min_score of the class
	Unclassified bool    `json:"unclassified,omitempty"` // exempt: managed as the class, not ranked
	NoGroup      bool    `json:"no_group,omitempty"`
}

// ItemRow is one indicator on an enterprise's card: this year against the
// benchmark, and against the same item in last year's run.
type ItemRow struct {
	scoring.ItemScore
	PrevActual *float64 `json:"prev_actual"`
	PrevScore  *float64 `json:"prev_score"`
}

// CardView is what an enterprise sees about its evaluation.
type CardView struct {
	Enterprise store.EnterpriseRef     `json:"enterprise"`
	Evaluated  bool                    `json:"evaluated"`
	Run        *store.EvalRun          `json:"run,omitempty"`
	Card       *scoring.Card           `json:"card,omitempty"`
	Why        *Why                    `json:"why,omitempty"`
	Items      []ItemRow               `json:"items"`
	Previous   *PrevView               `json:"previous,omitempty"`
	History    []scoring.YearClass     `json:"history"`
	Policies   *scoring.PolicyDecision `json:"policies,omitempty"`
	Exit       *scoring.ExitRule       `json:"exit_rule,omitempty"`
	ClassNames map[string]string       `json:"class_names,omitempty"`
}

// PrevView is last year's verdict.
type PrevView struct {
	RunID int64   `json:"run_id"`
	Year  int     `json:"year"`
	Class string  `json:"class"`
	Total float64 `json:"total"`
	Rank  int     `json:"rank,omitempty"`
}

// byYear keeps, per year, the verdict of the latest run (a rerun replaces an
// earlier run of the same year), except that asOf's own year is asOf's verdict.
func byYear(rows []store.EvalHistoryRow, entID int64, asOf *store.EvalRun) map[int]store.EvalHistoryRow {
	out := map[int]store.EvalHistoryRow{}
	for _, h := range rows {
		if h.EnterpriseID != entID {
			continue
		}
		if asOf != nil && h.Year == asOf.Year && h.RunID != asOf.ID {
			continue
		}
		if cur, ok := out[h.Year]; !ok || h.RunID > cur.RunID {
			out[h.Year] = h
		}
	}
	return out
}

func history(ys map[int]store.EvalHistoryRow) []scoring.YearClass {
	out := []scoring.YearClass{}
	for y, h := range ys {
		if h.Class != "" {
			out = append(out, scoring.YearClass{Year: y, Class: h.Class})
		}
	}
	sortYears(out)
	return out
}

func sortYears(h []scoring.YearClass) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].Year < h[j-1].Year; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

// Card assembles an enterprise's card from its latest run, last year's run
// and its class history across all stored runs.
func Card(ctx context.Context, db *store.DB, e *directory.Enterprise) (*CardView, error) {
	v := &CardView{Enterprise: store.EnterpriseRef{ID: e.ID, USCC: e.USCC, Name: e.Name, Park: e.Park}, Items: []ItemRow{}, History: []scoring.YearClass{}}
	rows, err := db.EvalHistory(ctx, []int64{e.ID}, 9999, true)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return v, nil
	}
	// The latest verdict: the latest year, and in it the latest run.
	ys := byYear(rows, e.ID, nil)
	latestYear := 0
	for y := range ys {
		latestYear = max(latestYear, y)
	}
	cur := ys[latestYear]
	run, err := db.EvalRun(ctx, cur.RunID)
	if err != nil {
		return nil, err
	}
	s, _, err := Scheme(ctx, db, run.Scheme, run.SchemeVersion)
	if err != nil {
		return nil, err
	}
	var c scoring.Card
	if err := json.Unmarshal(cur.Result.Card, &c); err != nil {
		return nil, err
	}
	v.Evaluated, v.Run, v.Card, v.Exit = true, run, &c, s.Exit
	v.Why = why(s, &c)
	v.ClassNames = map[string]string{}
	for _, k := range s.Classes {
		v.ClassNames[k.Code] = k.Name
	}
	var prevCard *scoring.Card
	if p, ok := ys[latestYear-1]; ok {
		v.Previous = &PrevView{RunID: p.RunID, Year: p.Year, Class: p.Class, Total: p.Result.Total, Rank: p.Result.Rank}
		var pc scoring.Card
		if json.Unmarshal(p.Result.Card, &pc) == nil {
			prevCard = &pc
		}
	}
	for _, it := range c.Items {
		row := ItemRow{ItemScore: it}
		if prevCard != nil {
			for _, p := range prevCard.Items {
				if p.ID == it.ID {
					sc := p.Score
					row.PrevActual, row.PrevScore = p.Actual, &sc
				}
			}
		}
		v.Items = append(v.Items, row)
	}
	v.History = history(ys)
	if len(v.History) > 0 {
		d, err := scoring.PoliciesInForce(s, v.History)
		if err != nil {
			return nil, err
		}
		v.Policies = &d
	}
	return v, nil
}

func why(s *scoring.Scheme, c *scoring.Card) *Why {
	w := &Why{Group: c.Group, GroupName: c.GroupName, Rank: c.Rank, GroupSize: c.GroupSize, Percentile: c.Percentile, Unclassified: c.Unclassified, NoGroup: c.Group == ""}
	for gi := range s.Groups {
		g := &s.Groups[gi]
		if g.ID != c.Group || g.Exempt {
			continue
		}
		cls, by := s.Classes, s.ClassBy
		if len(g.Classes) > 0 {
			cls = g.Classes
			if g.ClassBy != "" {
				by = g.ClassBy
			}
		}
		w.ClassBy = by
		for _, k := range cls {
			if k.Code == c.Class {
				if by == scoring.ClassByScore {
					w.CutOff = k.MinScore
				} else {
					w.CutOff = k.TopPct
				}
			}
		}
	}
	return w
}

// ExitCandidate is an enterprise that the scheme's exit rule (产业退出机制)
// marks after this run.
type ExitCandidate struct {
	Result   *store.EvalResult      `json:"result"`
	Decision scoring.PolicyDecision `json:"decision"`
}

// ExitCandidates lists the run's enterprises whose class streak, counted over
// all stored runs up to the run's year, reaches the exit rule. owner > 0 keeps
// only the enterprises linked to that account.
func ExitCandidates(ctx context.Context, db *store.DB, run *store.EvalRun, owner int64) ([]ExitCandidate, error) {
	out := []ExitCandidate{}
	s, _, err := Scheme(ctx, db, run.Scheme, run.SchemeVersion)
	if err != nil {
		return nil, err
	}
	if s.Exit == nil {
		return out, nil
	}
	ids, err := db.EnterpriseIDsOfRun(ctx, run.ID, s.Exit.Class)
	if err != nil || len(ids) == 0 {
		return out, err
	}
	if owner > 0 {
		mine, err := db.EvalResults(ctx, store.EvalResultFilter{RunID: run.ID, Owner: owner, Limit: 1000})
		if err != nil {
			return nil, err
		}
		keep := map[int64]bool{}
		for _, r := range mine {
			keep[r.EnterpriseID] = true
		}
		var f []int64
		for _, id := range ids {
			if keep[id] {
				f = append(f, id)
			}
		}
		if ids = f; len(ids) == 0 {
			return out, nil
		}
	}
	rows, err := db.EvalHistory(ctx, ids, run.Year, false)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		ys := byYear(rows, id, run)
		cur, ok := ys[run.Year]
		if !ok {
			continue
		}
		d, err := scoring.PoliciesInForce(s, history(ys))
		if err != nil {
			return nil, err
		}
		if d.ExitCandidate {
			out = append(out, ExitCandidate{Result: cur.Result, Decision: d})
		}
	}
	return out, nil
}
