package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/permu"
)

// StatsReport is an enterprise's statistics report (统计监测) for a month or a year.
type StatsReport struct {
	ID           int64              `json:"id"`
	EnterpriseID int64              `json:"enterprise_id"`
	Period       string             `json:"period"`
	Figures      map[string]float64 `json:"figures"`
	Status       string             `json:"status"`
	Revision     int                `json:"revision"`
	Note         string             `json:"note,omitempty"`
	ReportedBy   int64              `json:"reported_by"`
	ReportedAt   int64              `json:"reported_at"`
	ReviewedBy   int64              `json:"reviewed_by,omitempty"`
	ReviewedAt   int64              `json:"reviewed_at,omitempty"`
}

// StatsRevision is one stored version of a report.
type StatsRevision struct {
	Revision int                `json:"revision"`
	Figures  map[string]float64 `json:"figures"`
	Status   string             `json:"status"`
	Note     string             `json:"note,omitempty"`
	ActorID  int64              `json:"actor_id"`
	Actor    string             `json:"actor"`
	At       int64              `json:"at"`
}

const statsCols = `s.id, s.enterprise_id, s.period, s.figures, s.status, s.revision, s.note, s.reported_by, s.reported_at, s.reviewed_by, s.reviewed_at`

func scanStats(row interface{ Scan(...any) error }) (*StatsReport, error) {
	r := &StatsReport{}
	var figs string
	if err := row.Scan(&r.ID, &r.EnterpriseID, &r.Period, &figs, &r.Status, &r.Revision, &r.Note, &r.ReportedBy, &r.ReportedAt, &r.ReviewedBy, &r.ReviewedAt); err != nil {
		return nil, classify(err)
	}
	if err := json.Unmarshal([]byte(figs), &r.Figures); err != nil || r.Figures == nil {
		r.Figures = map[string]float64{}
	}
	return r, nil
}

// statsView is the audit digest of a report.
type statsView struct {
	Enterprise int64
	Period     string
	Figures    map[string]float64
	Status     string
	Revision   int
}

// PutStats stores a report as draft or submitted: the first version, or the
// next revision of an existing one (every revision is kept and audited).
func (t *Tx) PutStats(ctx context.Context, r *StatsReport) error {
	p, err := permu.ParsePeriod(r.Period)
	if err != nil {
		return &account.FieldError{Field: "period", Code: "stats.period", Detail: err.(*permu.Error).Detail}
	}
	if r.Status != permu.Draft && r.Status != permu.Submitted {
		return &account.FieldError{Field: "status", Code: "stats.status", Detail: "draft or submitted"}
	}
	if err := permu.CheckFigures(r.Figures); err != nil {
		pe := err.(*permu.Error)
		return &account.FieldError{Field: "figures." + pe.Field, Code: pe.Code, Detail: pe.Detail}
	}
	figs, _ := json.Marshal(r.Figures)
	before, err := scanStats(t.QueryRow(ctx, `SELECT `+statsCols+` FROM enterprise_stats s WHERE s.enterprise_id = ? AND s.period = ?`+t.Dialect().ForUpdate(), r.EnterpriseID, r.Period))
	r.ReportedBy, r.ReportedAt, r.ReviewedBy, r.ReviewedAt = t.Actor.ID, t.Now, 0, 0
	switch {
	case errors.Is(err, ErrNotFound):
		r.Revision = 1
		r.ID, err = t.InsertID(ctx, `INSERT INTO enterprise_stats (enterprise_id, period, year, month, figures, status, revision, note, reported_by, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.EnterpriseID, r.Period, p.Year, p.Month, string(figs), r.Status, 1, r.Note, r.ReportedBy, r.ReportedAt)
		if err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		r.ID, r.Revision = before.ID, before.Revision+1
		if _, err := t.Exec(ctx, `UPDATE enterprise_stats SET figures = ?, status = ?, revision = ?, note = ?, reported_by = ?, reported_at = ?, reviewed_by = 0, reviewed_at = 0 WHERE id = ?`,
			string(figs), r.Status, r.Revision, r.Note, r.ReportedBy, r.ReportedAt, r.ID); err != nil {
			return err
		}
	}
	if err := t.statsRevision(ctx, r, string(figs)); err != nil {
		return err
	}
	var bv any
	if before != nil {
		bv = statsView{before.EnterpriseID, before.Period, before.Figures, before.Status, before.Revision}
	}
	return t.Audit(ctx, Change{Action: "stats.put", Object: "enterprise_stats", ObjectID: r.ID, Before: bv,
		After: statsView{r.EnterpriseID, r.Period, r.Figures, r.Status, r.Revision}, Detail: "enterprise " + Itoa(r.EnterpriseID) + " " + r.Period + " " + r.Status})
}

func (t *Tx) statsRevision(ctx context.Context, r *StatsReport, figs string) error {
	_, err := t.Exec(ctx, `INSERT INTO enterprise_stats_revisions (stats_id, revision, figures, status, note, actor_id, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Revision, figs, r.Status, r.Note, t.Actor.ID, t.Actor.Name, t.Now)
	return err
}

// ReviewStats accepts or returns a submitted report (accept → accepted,
// return → returned with a note saying why).
func (t *Tx) ReviewStats(ctx context.Context, enterpriseID int64, period, decision, note string) (*StatsReport, error) {
	r, err := scanStats(t.QueryRow(ctx, `SELECT `+statsCols+` FROM enterprise_stats s WHERE s.enterprise_id = ? AND s.period = ?`+t.Dialect().ForUpdate(), enterpriseID, period))
	if err != nil {
		return nil, err
	}
	var to string
	switch decision {
	case "accept":
		to = permu.Accepted
	case "return":
		to = permu.Returned
		if strings.TrimSpace(note) == "" {
			return nil, &account.FieldError{Field: "note", Code: "stats.note_required", Detail: "say why the report is returned"}
		}
	default:
		return nil, &account.FieldError{Field: "decision", Code: "stats.decision", Detail: "accept or return"}
	}
	if r.Status != permu.Submitted {
		return nil, &account.FieldError{Field: "status", Code: "stats.not_submitted", Detail: "only a submitted report can be reviewed; this one is " + r.Status}
	}
	before := statsView{r.EnterpriseID, r.Period, r.Figures, r.Status, r.Revision}
	r.Status, r.Note, r.ReviewedBy, r.ReviewedAt, r.Revision = to, note, t.Actor.ID, t.Now, r.Revision+1
	if _, err := t.Exec(ctx, `UPDATE enterprise_stats SET status = ?, note = ?, revision = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?`,
		r.Status, r.Note, r.Revision, r.ReviewedBy, r.ReviewedAt, r.ID); err != nil {
		return nil, err
	}
	figs, _ := json.Marshal(r.Figures)
	if err := t.statsRevision(ctx, r, string(figs)); err != nil {
		return nil, err
	}
	return r, t.Audit(ctx, Change{Action: "stats." + decision, Object: "enterprise_stats", ObjectID: r.ID, Before: before,
		After: statsView{r.EnterpriseID, r.Period, r.Figures, r.Status, r.Revision}, Detail: "enterprise " + Itoa(r.EnterpriseID) + " " + r.Period})
}

// Stats returns one report.
func (db *DB) Stats(ctx context.Context, enterpriseID int64, period string) (*StatsReport, error) {
	return scanStats(db.QueryRow(ctx, `SELECT `+statsCols+` FROM enterprise_stats s WHERE s.enterprise_id = ? AND s.period = ?`, enterpriseID, period))
}

// ListStats returns an enterprise's reports, newest period first (year 0 = all).
func (db *DB) ListStats(ctx context.Context, enterpriseID int64, year int) ([]*StatsReport, error) {
	q := `SELECT ` + statsCols + ` FROM enterprise_stats s WHERE s.enterprise_id = ?`
	args := []any{enterpriseID}
	if year > 0 {
		q += ` AND s.year = ?`
		args = append(args, year)
	}
	rows, err := db.Query(ctx, q+` ORDER BY s.period DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*StatsReport{}
	for rows.Next() {
		r, err := scanStats(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StatsRevisions lists a report's versions, oldest first.
func (db *DB) StatsRevisions(ctx context.Context, statsID int64) ([]StatsRevision, error) {
	rows, err := db.Query(ctx, `SELECT revision, figures, status, note, actor_id, actor, at FROM enterprise_stats_revisions WHERE stats_id = ? ORDER BY revision`, statsID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StatsRevision{}
	for rows.Next() {
		var v StatsRevision
		var figs string
		if err := rows.Scan(&v.Revision, &figs, &v.Status, &v.Note, &v.ActorID, &v.Actor, &v.At); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(figs), &v.Figures)
		out = append(out, v)
	}
	return out, rows.Err()
}

// EnterpriseRef is an enterprise as lists of reporting show it.
type EnterpriseRef struct {
	ID   int64  `json:"id"`
	USCC string `json:"uscc"`
	Name string `json:"name"`
	Park string `json:"park,omitempty"`
}

// Completeness is 应统尽统 for a period: the active enterprises in scope that
// should report, and which have (submitted or accepted) and which have not.
type Completeness struct {
	Period   string          `json:"period"`
	Park     string          `json:"park,omitempty"`
	Expected int             `json:"expected"`
	Reported int             `json:"reported"`
	Rate     float64         `json:"rate"`
	Missing  []EnterpriseRef `json:"missing"`
}

// StatsCompleteness counts the active enterprises in scope (and below
// areaPath, and in park when given) with and without a counted report for period.
func (db *DB) StatsCompleteness(ctx context.Context, s Scope, areaPath, park, period string) (*Completeness, error) {
	var q strings.Builder
	q.WriteString(`SELECT e.id, e.uscc, e.name, e.park, (SELECT COUNT(*) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period = ? AND s.status IN (?, ?))
		FROM enterprises e JOIN areas ar ON ar.id = e.area_id WHERE e.status = 'active'`)
	args := []any{period, permu.Submitted, permu.Accepted}
	c := &Completeness{Period: period, Park: park, Missing: []EnterpriseRef{}}
	if !s.where(&q, &args) {
		return c, nil
	}
	if areaPath != "" {
		subtree(&q, &args, areaPath)
	}
	if park != "" {
		q.WriteString(` AND e.park = ?`)
		args = append(args, park)
	}
	q.WriteString(` ORDER BY e.id`)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e EnterpriseRef
		var n int
		if err := rows.Scan(&e.ID, &e.USCC, &e.Name, &e.Park, &n); err != nil {
			return nil, err
		}
		c.Expected++
		if n > 0 {
			c.Reported++
		} else {
			c.Missing = append(c.Missing, e)
		}
	}
	if c.Expected > 0 {
		c.Rate = float64(c.Reported) / float64(c.Expected)
	}
	return c, rows.Err()
}

// EnterpriseIDsByUSCC maps USCCs to enterprise ids among those the caller may
// report for: in scope, and, when owner > 0, linked to that login account.
func (db *DB) EnterpriseIDsByUSCC(ctx context.Context, s Scope, owner int64, codes []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		var q strings.Builder
		q.WriteString(`SELECT e.uscc, e.id FROM enterprises e JOIN areas ar ON ar.id = e.area_id WHERE e.uscc IN (?` + strings.Repeat(`, ?`, len(chunk)-1) + `)`)
		args := make([]any, 0, len(chunk)+4)
		for _, c := range chunk {
			args = append(args, c)
		}
		if !s.where(&q, &args) {
			return out, nil
		}
		if owner > 0 {
			q.WriteString(` AND e.user_id = ?`)
			args = append(args, owner)
		}
		rows, err := db.Query(ctx, q.String(), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var u string
			var id int64
			if err := rows.Scan(&u, &id); err != nil {
				rows.Close()
				return nil, err
			}
			out[u] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EnterpriseOfUser returns the id of the enterprise linked to a login
// account (the lowest id when several are), or ErrNotFound.
func (db *DB) EnterpriseOfUser(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM enterprises WHERE user_id = ? ORDER BY id LIMIT 1`, userID).Scan(&id)
	return id, classify(err)
}
