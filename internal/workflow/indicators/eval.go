package indicators

import (
	"fmt"
	"slices"
)

// Scoring turns an indicator value into a 0–100 score.
type Scoring struct {
	// Kind: "rate" (the percentage itself), "inverse" (100 − percentage, for
	// rates where lower is better) or "steps" (first band whose bound holds).
	Kind  string `json:"kind"`
	Steps []Step `json:"steps,omitempty"`
}

// Step is one band of a step table: value ≥ Min (or value < Below when
// Below is set) scores Score. Bands are tried in order.
type Step struct {
	Min   *float64 `json:"min,omitempty"`
	Below *float64 `json:"below,omitempty"`
	Score float64  `json:"score"`
}

// Term is one weighted indicator of a scheme.
type Term struct {
	Indicator string  `json:"indicator"`
	Label     string  `json:"label"`
	Weight    float64 `json:"weight"` // percent, terms sum to 100
	Scoring   Scoring `json:"scoring"`
}

// Band maps a minimum score to a grade.
type Band struct {
	Min   float64 `json:"min"`
	Grade string  `json:"grade"`
}

// Scheme is a versioned post/region evaluation (综合指标值).
type Scheme struct {
	ID        string `json:"id"`
	Label     string `json:"label"`
	Version   int    `json:"version"`
	Effective string `json:"effective"`
	Terms     []Term `json:"terms"`
	Grades    []Band `json:"grades"` // descending Min; the last band catches the rest
	Note      string `json:"note,omitempty"`
}

// TermScore is one term's contribution in a result.
type TermScore struct {
	Indicator string  `json:"indicator"`
	Value     float64 `json:"value"`
	Score     float64 `json:"score"`
	Weighted  float64 `json:"weighted"`
	Missing   bool    `json:"missing,omitempty"`
}

// Result is an evaluation's outcome.
type Result struct {
	Scheme string      `json:"scheme"`
	Score  float64     `json:"score"` // rounded to 2 decimals
	Grade  string      `json:"grade"`
	Terms  []TermScore `json:"terms"`
}

// Evaluate scores values (indicator name → percentage or count). A missing
// indicator scores 0 and is flagged, so the gap is visible rather than hidden.
func (s Scheme) Evaluate(values map[string]float64) Result {
	res := Result{Scheme: s.ID}
	total := 0.0
	for _, t := range s.Terms {
		v, ok := values[t.Indicator]
		ts := TermScore{Indicator: t.Indicator, Value: v, Missing: !ok}
		if ok {
			ts.Score = t.Scoring.score(v)
		}
		ts.Weighted = ts.Score * t.Weight / 100
		total += ts.Weighted
		res.Terms = append(res.Terms, ts)
	}
	res.Score = Round2(total)
	res.Grade = GradeOf(s.Grades, res.Score)
	return res
}

func (sc Scoring) score(v float64) float64 {
	switch sc.Kind {
	case "inverse":
		return max(0, 100-v)
	case "steps":
		for _, st := range sc.Steps {
			if (st.Min == nil || v >= *st.Min) && (st.Below == nil || v < *st.Below) {
				return st.Score
			}
		}
		return 0
	default:
		return min(100, max(0, v))
	}
}

// GradeOf returns the grade of the first band whose Min the score reaches.
func GradeOf(bands []Band, score float64) string {
	for _, b := range bands {
		if score >= b.Min {
			return b.Grade
		}
	}
	if len(bands) == 0 {
		return ""
	}
	return bands[len(bands)-1].Grade
}

// Validate checks weights and grade bands.
func (s Scheme) Validate() error {
	sum := 0.0
	for _, t := range s.Terms {
		if t.Weight < 0 {
			return fmt.Errorf("indicators.scheme_weight: %s: negative weight for %s", s.ID, t.Indicator)
		}
		if !slices.Contains([]string{"", "rate", "inverse", "steps"}, t.Scoring.Kind) {
			return fmt.Errorf("indicators.scheme_scoring: %s: unknown scoring %q", s.ID, t.Scoring.Kind)
		}
		sum += t.Weight
	}
	if Round2(sum) != 100 {
		return fmt.Errorf("indicators.scheme_weights: %s: weights sum to %.2f, want 100", s.ID, sum)
	}
	for i := 1; i < len(s.Grades); i++ {
		if s.Grades[i].Min >= s.Grades[i-1].Min {
			return fmt.Errorf("indicators.scheme_grades: %s: grade bands must descend", s.ID)
		}
	}
	return nil
}
