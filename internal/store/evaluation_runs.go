package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"towngrid/internal/permu"
)

// EvalMember is one enterprise of an evaluation population as stored: its
// register attributes and its counted (submitted or accepted) reports of the year.
type EvalMember struct {
	EnterpriseID int64
	USCC, Name   string
	Park, Status string
	AreaPath     string
	AboveScale   bool
	LandMu       float64
	Annual       map[string]float64   // the annual report, nil when none
	Months       []map[string]float64 // monthly reports of the year
}

// EvaluationPopulation loads every enterprise below areaPath that takes part
// in an evaluation (not closed) with its counted reports for year, in id order.
func (db *DB) EvaluationPopulation(ctx context.Context, areaPath string, year int) ([]EvalMember, error) {
	rows, err := db.Query(ctx, `SELECT e.id, e.uscc, e.name, e.park, e.status, ar.path, e.above_scale, e.land_mu_e4
		FROM enterprises e JOIN areas ar ON ar.id = e.area_id WHERE ar.path >= ? AND ar.path < ? AND e.status <> 'closed' ORDER BY e.id`, areaPath, areaPath+"~")
	if err != nil {
		return nil, err
	}
	var out []EvalMember
	idx := map[int64]int{}
	for rows.Next() {
		var m EvalMember
		var mu int64
		if err := rows.Scan(&m.EnterpriseID, &m.USCC, &m.Name, &m.Park, &m.Status, &m.AreaPath, &m.AboveScale, &mu); err != nil {
			rows.Close()
			return nil, err
		}
		m.LandMu = float64(mu) / 1e4
		idx[m.EnterpriseID] = len(out)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT s.enterprise_id, s.month, s.figures FROM enterprise_stats s
		JOIN enterprises e ON e.id = s.enterprise_id JOIN areas ar ON ar.id = e.area_id
		WHERE s.year = ? AND s.status IN (?, ?) AND ar.path >= ? AND ar.path < ?`, year, permu.Submitted, permu.Accepted, areaPath, areaPath+"~")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var month int
		var figs string
		if err := rows.Scan(&id, &month, &figs); err != nil {
			return nil, err
		}
		i, ok := idx[id]
		if !ok {
			continue // closed
		}
		var f map[string]float64
		if err := json.Unmarshal([]byte(figs), &f); err != nil {
			return nil, err
		}
		if month == 0 {
			out[i].Annual = f
		} else {
			out[i].Months = append(out[i].Months, f)
		}
	}
	return out, rows.Err()
}

// TownNames maps the path of every town-level area to its name, so that a
// run can aggregate per town (镇/街道) from an enterprise's area path.
func (db *DB) TownNames(ctx context.Context) (map[string]string, error) {
	rows, err := db.Query(ctx, `SELECT path, name FROM areas WHERE level = 'town'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p, n string
		if err := rows.Scan(&p, &n); err != nil {
			return nil, err
		}
		out[p] = n
	}
	return out, rows.Err()
}

// EvalRun is a stored, immutable evaluation run.
type EvalRun struct {
	ID            int64          `json:"id"`
	Scheme        string         `json:"scheme"`
	SchemeVersion int            `json:"scheme_version"`
	SchemeName    string         `json:"scheme_name"`
	Year          int            `json:"year"`
	AreaID        int64          `json:"area_id"`
	AreaPath      string         `json:"area_path"`
	N             int            `json:"n"`
	ByClass       map[string]int `json:"by_class"`
	Absent        []string       `json:"absent_figures"`
	ScoreMS       float64        `json:"score_ms"`
	CreatedBy     int64          `json:"created_by"`
	CreatedAt     int64          `json:"created_at"`
}

// EvalResult is one enterprise's row of a run; Card is the scoring card (JSON).
type EvalResult struct {
	RunID        int64           `json:"run_id"`
	Pos          int             `json:"pos"`
	EnterpriseID int64           `json:"enterprise_id"`
	USCC         string          `json:"uscc"`
	Name         string          `json:"name"`
	Park         string          `json:"park,omitempty"`
	Town         string          `json:"town,omitempty"`
	Group        string          `json:"group"`
	Total        float64         `json:"total"`
	Rank         int             `json:"rank"`
	Percentile   float64         `json:"percentile"`
	Class        string          `json:"class"`
	Unclassified bool            `json:"unclassified,omitempty"`
	Card         json.RawMessage `json:"card"`
}

// EvalAggregate is a per-park or per-town summary of a run (scoring.UnitAggregate as JSON).
type EvalAggregate struct {
	Level string          `json:"level"`
	Unit  string          `json:"unit"`
	Body  json.RawMessage `json:"body"`
}

const runCols = `id, scheme, scheme_version, scheme_name, year, area_id, area_path, n, by_class, absent, score_ms, created_by, created_at`

func scanRun(row interface{ Scan(...any) error }) (*EvalRun, error) {
	r := &EvalRun{}
	var bc, ab string
	if err := row.Scan(&r.ID, &r.Scheme, &r.SchemeVersion, &r.SchemeName, &r.Year, &r.AreaID, &r.AreaPath, &r.N, &bc, &ab, &r.ScoreMS, &r.CreatedBy, &r.CreatedAt); err != nil {
		return nil, classify(err)
	}
	_ = json.Unmarshal([]byte(bc), &r.ByClass)
	_ = json.Unmarshal([]byte(ab), &r.Absent)
	if r.Absent == nil {
		r.Absent = []string{}
	}
	return r, nil
}

// resultBatch rows per INSERT: 14 parameters each stays far below both
// databases' parameter limits, and fewer statements make a 100,000-row run fast.
const resultBatch = 200

// CreateEvalRun stores a run with its results and aggregates in one audited
// write. The audit row carries a digest of every result, so a later edit of
// a published ranking would not match the chain.
func (t *Tx) CreateEvalRun(ctx context.Context, run *EvalRun, results []EvalResult, aggs []EvalAggregate) error {
	bc, _ := json.Marshal(run.ByClass)
	ab, _ := json.Marshal(run.Absent)
	run.CreatedBy, run.CreatedAt = t.Actor.ID, t.Now
	id, err := t.InsertID(ctx, `INSERT INTO evaluation_runs (scheme, scheme_version, scheme_name, year, area_id, area_path, n, by_class, absent, score_ms, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, run.Scheme, run.SchemeVersion, run.SchemeName, run.Year, run.AreaID, run.AreaPath, run.N, string(bc), string(ab), run.ScoreMS, run.CreatedBy, run.CreatedAt)
	if err != nil {
		return err
	}
	run.ID = id
	h := sha256.New()
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for start := 0; start < len(results); start += resultBatch {
		chunk := results[start:min(start+resultBatch, len(results))]
		q := `INSERT INTO evaluation_results (run_id, pos, enterprise_id, uscc, name, park, town, grp, total, rnk, pct, class, unclassified, card) VALUES ` +
			row + strings.Repeat(", "+row, len(chunk)-1)
		args := make([]any, 0, 14*len(chunk))
		for i := range chunk {
			r := &chunk[i]
			r.RunID = id
			args = append(args, id, r.Pos, r.EnterpriseID, r.USCC, r.Name, r.Park, r.Town, r.Group, r.Total, r.Rank, r.Percentile, r.Class, r.Unclassified, string(r.Card))
			h.Write([]byte(r.USCC + "|" + strconv.FormatFloat(r.Total, 'g', -1, 64) + "|" + r.Class + "\n"))
		}
		if _, err := t.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	for _, a := range aggs {
		if _, err := t.Exec(ctx, `INSERT INTO evaluation_aggregates (run_id, level, unit, body) VALUES (?, ?, ?, ?)`, id, a.Level, a.Unit, string(a.Body)); err != nil {
			return err
		}
	}
	after := struct {
		Scheme           string
		Version, Year, N int
		AreaID           int64
		ByClass          map[string]int
		ResultsDigest    string
	}{run.Scheme, run.SchemeVersion, run.Year, run.N, run.AreaID, run.ByClass, hex.EncodeToString(h.Sum(nil))}
	return t.Audit(ctx, Change{Action: "evaluation.run", Object: "evaluation_run", ObjectID: id, After: after,
		Detail: run.Scheme + " v" + strconv.Itoa(run.SchemeVersion) + " " + strconv.Itoa(run.Year) + ": " + strconv.Itoa(run.N) + " enterprises"})
}

// EvalRunFilter selects runs: those whose area lies in the scope, or, for an
// enterprise account (Owner > 0), those that include its enterprise.
type EvalRunFilter struct {
	Scope Scope
	Owner int64
	After int64 // cursor: runs with a smaller id (newest first)
	Limit int
}

// EvalRuns lists runs, newest first.
func (db *DB) EvalRuns(ctx context.Context, f EvalRunFilter) ([]*EvalRun, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + runCols + ` FROM evaluation_runs ar WHERE 1=1`)
	var args []any
	if f.After > 0 {
		q.WriteString(` AND ar.id < ?`)
		args = append(args, f.After)
	}
	if f.Owner > 0 {
		q.WriteString(` AND EXISTS (SELECT 1 FROM evaluation_results r JOIN enterprises e ON e.id = r.enterprise_id WHERE r.run_id = ar.id AND e.user_id = ?)`)
		args = append(args, f.Owner)
	} else if !f.Scope.All {
		if len(f.Scope.Paths) == 0 {
			return []*EvalRun{}, nil
		}
		// The run's own area path stands in for the areas alias "ar".
		q.WriteString(` AND (`)
		for i, p := range f.Scope.Paths {
			if i > 0 {
				q.WriteString(` OR `)
			}
			q.WriteString(`(ar.area_path >= ? AND ar.area_path < ?)`)
			args = append(args, p, p+"~")
		}
		q.WriteString(`)`)
	}
	q.WriteString(` ORDER BY ar.id DESC LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*EvalRun{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// EvalRun returns one run.
func (db *DB) EvalRun(ctx context.Context, id int64) (*EvalRun, error) {
	return scanRun(db.QueryRow(ctx, `SELECT `+runCols+` FROM evaluation_runs WHERE id = ?`, id))
}

// EvalResultFilter selects a run's results in published order.
type EvalResultFilter struct {
	RunID        int64
	Park         string
	Class        string
	EnterpriseID int64
	Owner        int64 // > 0: only the enterprise(s) linked to this account
	After        int   // cursor: pos
	Limit        int
}

// EvalResults lists a run's results by position after the cursor.
func (db *DB) EvalResults(ctx context.Context, f EvalResultFilter) ([]*EvalResult, error) {
	var q strings.Builder
	q.WriteString(`SELECT r.run_id, r.pos, r.enterprise_id, r.uscc, r.name, r.park, r.town, r.grp, r.total, r.rnk, r.pct, r.class, r.unclassified, r.card
		FROM evaluation_results r WHERE r.run_id = ? AND r.pos > ?`)
	args := []any{f.RunID, f.After}
	if f.Park != "" {
		q.WriteString(` AND r.park = ?`)
		args = append(args, f.Park)
	}
	if f.Class != "" {
		q.WriteString(` AND r.class = ?`)
		args = append(args, f.Class)
	}
	if f.EnterpriseID > 0 {
		q.WriteString(` AND r.enterprise_id = ?`)
		args = append(args, f.EnterpriseID)
	}
	if f.Owner > 0 {
		q.WriteString(` AND r.enterprise_id IN (SELECT id FROM enterprises WHERE user_id = ?)`)
		args = append(args, f.Owner)
	}
	q.WriteString(` ORDER BY r.pos LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*EvalResult{}
	for rows.Next() {
		r := &EvalResult{}
		var card string
		if err := rows.Scan(&r.RunID, &r.Pos, &r.EnterpriseID, &r.USCC, &r.Name, &r.Park, &r.Town, &r.Group, &r.Total, &r.Rank, &r.Percentile, &r.Class, &r.Unclassified, &card); err != nil {
			return nil, err
		}
		r.Card = json.RawMessage(card)
		out = append(out, r)
	}
	return out, rows.Err()
}

// EvalAggregates returns a run's per-park and per-town summaries.
func (db *DB) EvalAggregates(ctx context.Context, runID int64) ([]EvalAggregate, error) {
	rows, err := db.Query(ctx, `SELECT level, unit, body FROM evaluation_aggregates WHERE run_id = ? ORDER BY level, unit`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []EvalAggregate{}
	for rows.Next() {
		var a EvalAggregate
		var b string
		if err := rows.Scan(&a.Level, &a.Unit, &b); err != nil {
			return nil, err
		}
		a.Body = json.RawMessage(b)
		out = append(out, a)
	}
	return out, rows.Err()
}

// EvalHistoryRow is one run's verdict on one enterprise.
type EvalHistoryRow struct {
	EnterpriseID int64
	RunID        int64
	Scheme       string
	Version      int
	Year         int
	Class        string
	Result       *EvalResult
}

// EvalHistory returns, for each of the enterprises, every stored result of a
// run of year ≤ maxYear, oldest run first. withCards loads the cards too.
func (db *DB) EvalHistory(ctx context.Context, enterpriseIDs []int64, maxYear int, withCards bool) ([]EvalHistoryRow, error) {
	var out []EvalHistoryRow
	for start := 0; start < len(enterpriseIDs); start += 500 {
		chunk := enterpriseIDs[start:min(start+500, len(enterpriseIDs))]
		card := `''`
		if withCards {
			card = `r.card`
		}
		q := `SELECT r.enterprise_id, r.run_id, run.scheme, run.scheme_version, run.year, r.class, r.pos, r.uscc, r.name, r.park, r.town, r.grp, r.total, r.rnk, r.pct, r.unclassified, ` + card + `
			FROM evaluation_results r JOIN evaluation_runs run ON run.id = r.run_id
			WHERE run.year <= ? AND r.enterprise_id IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `) ORDER BY run.id`
		args := []any{maxYear}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h EvalHistoryRow
			r := &EvalResult{}
			var c string
			if err := rows.Scan(&h.EnterpriseID, &h.RunID, &h.Scheme, &h.Version, &h.Year, &h.Class, &r.Pos, &r.USCC, &r.Name, &r.Park, &r.Town, &r.Group, &r.Total, &r.Rank, &r.Percentile, &r.Unclassified, &c); err != nil {
				rows.Close()
				return nil, err
			}
			r.RunID, r.EnterpriseID, r.Class = h.RunID, h.EnterpriseID, h.Class
			if c != "" {
				r.Card = json.RawMessage(c)
			}
			h.Result = r
			out = append(out, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EnterpriseIDsOfRun lists the enterprises of a run in a class ("" = all).
func (db *DB) EnterpriseIDsOfRun(ctx context.Context, runID int64, class string) ([]int64, error) {
	q := `SELECT enterprise_id FROM evaluation_results WHERE run_id = ?`
	args := []any{runID}
	if class != "" {
		q += ` AND class = ? AND unclassified = ?`
		args = append(args, class, false)
	}
	rows, err := db.Query(ctx, q+` ORDER BY pos`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
