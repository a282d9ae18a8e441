package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Subscription asks for notices of state changes: of one report, of every
// report in an area, or of a category. Address is an e-mail address or a
// webhook URL (personal data: never published, never audited in clear).
type Subscription struct {
	ID        int64  `json:"id"`
	Scope     string `json:"scope"`   // report | area | category
	Target    string `json:"target"`  // work-order id, area id, category code
	Channel   string `json:"channel"` // none | email | webhook | dingtalk | wecom
	Address   string `json:"-"`
	Lang      string `json:"lang"`
	Secret    string `json:"-"` // the unsubscribe (and follow-tracking) token
	Active    bool   `json:"active"`
	CreatedAt int64  `json:"created_at"`
}

const subCols = `id, scope, target, channel, address, lang, secret, active, created_at`

func scanSub(row interface{ Scan(...any) error }) (*Subscription, error) {
	s := &Subscription{}
	err := row.Scan(&s.ID, &s.Scope, &s.Target, &s.Channel, &s.Address, &s.Lang, &s.Secret, &s.Active, &s.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return s, err
}

// CreateSubscription stores a subscription.
func (t *Tx) CreateSubscription(ctx context.Context, s *Subscription) error {
	s.CreatedAt, s.Active = t.Now, true
	id, err := t.InsertID(ctx, `INSERT INTO report_subscriptions (scope, target, channel, address, lang, secret, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Scope, s.Target, s.Channel, s.Address, s.Lang, s.Secret, true, s.CreatedAt)
	if err != nil {
		return err
	}
	s.ID = id
	return t.Audit(ctx, Change{Action: "subscription.create", Object: "subscription", ObjectID: id,
		After: map[string]any{"scope": s.Scope, "target": s.Target, "channel": s.Channel}, Detail: s.Scope + " " + s.Channel})
}

// EndSubscription deactivates the subscription of a secret.
func (t *Tx) EndSubscription(ctx context.Context, secret string) error {
	res, err := t.Exec(ctx, `UPDATE report_subscriptions SET active = ? WHERE secret = ? AND active = ?`, false, secret, true)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.Audit(ctx, Change{Action: "subscription.end", Object: "subscription", Detail: "unsubscribed"})
}

// SubscriptionBySecret finds a subscription by its token.
func (db *DB) SubscriptionBySecret(ctx context.Context, secret string) (*Subscription, error) {
	return scanSub(db.QueryRow(ctx, `SELECT `+subCols+` FROM report_subscriptions WHERE secret = ?`, secret))
}

// SubscriptionsFor lists the active subscriptions that a change of a work
// order concerns: to it, to its category, or to an area on its path.
func (db *DB) SubscriptionsFor(ctx context.Context, woID int64, category, areaPath string) ([]*Subscription, error) {
	q := `SELECT ` + subCols + ` FROM report_subscriptions WHERE active = ? AND ((scope = 'report' AND target = ?) OR (scope = 'category' AND target = ?)`
	args := []any{true, Itoa(woID), category}
	var areas []any
	for _, p := range strings.Split(strings.Trim(areaPath, "/"), "/") {
		if p != "" {
			areas = append(areas, p)
		}
	}
	if len(areas) > 0 {
		q += ` OR (scope = 'area' AND target IN (?` + strings.Repeat(`, ?`, len(areas)-1) + `))`
		args = append(args, areas...)
	}
	rows, err := db.Query(ctx, q+`) ORDER BY id LIMIT 10000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Subscription{}
	for rows.Next() {
		s, err := scanSub(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Setting reads a value of the settings table ("" when absent).
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting writes a value of the settings table.
func (t *Tx) SetSetting(ctx context.Context, key, value string) error {
	_, err := t.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "setting.set", Object: "setting", After: map[string]string{key: value}, Detail: key})
}

// Survey is a resident's answer after closure (回访).
type Survey struct {
	WorkOrderID int64  `json:"workorder_id"`
	Rating      string `json:"rating"` // satisfied 满意 | basic 基本满意 | unsatisfied 不满意
	Reason      string `json:"reason,omitempty"`
	AreaPath    string `json:"-"`
	Period      string `json:"period"`
	At          int64  `json:"at"`
}

// SaveSurvey stores the one answer of a work order (a second is a conflict).
func (t *Tx) SaveSurvey(ctx context.Context, s *Survey) error {
	s.At = t.Now
	_, err := t.Exec(ctx, `INSERT INTO report_surveys (workorder_id, rating, reason, area_path, period, at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.WorkOrderID, s.Rating, s.Reason, s.AreaPath, s.Period, s.At)
	if err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "survey.answer", Object: "workorder", ObjectID: s.WorkOrderID,
		After: map[string]string{"rating": s.Rating}, Detail: s.Rating})
}

// SurveyOf returns the answer of a work order, if any.
func (db *DB) SurveyOf(ctx context.Context, woID int64) (*Survey, error) {
	s := &Survey{}
	err := db.QueryRow(ctx, `SELECT workorder_id, rating, reason, area_path, period, at FROM report_surveys WHERE workorder_id = ?`, woID).
		Scan(&s.WorkOrderID, &s.Rating, &s.Reason, &s.AreaPath, &s.Period, &s.At)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return s, err
}

// ResidentCell is one (month, grid) cell of the public indicators.
type ResidentCell struct {
	Period       string
	AreaPath     string
	Closed       int64 // 结案数 (closed, not voided)
	ClosedOnTime int64 // 按期结案数
	Surveys      int64
	Satisfied    int64 // 满意
	Basic        int64 // 基本满意
}

// ResidentCells sums a kind's closures and survey answers per month and grid
// since a period (YYYY-MM).
func (db *DB) ResidentCells(ctx context.Context, kind, since string) ([]ResidentCell, error) {
	cells := map[[2]string]*ResidentCell{}
	var order [][2]string
	get := func(p, a string) *ResidentCell {
		k := [2]string{p, a}
		if c, ok := cells[k]; ok {
			return c
		}
		c := &ResidentCell{Period: p, AreaPath: a}
		cells[k] = c
		order = append(order, k)
		return c
	}
	rows, err := db.Query(ctx, `SELECT period, area_path, COUNT(*), SUM(CASE WHEN closed_on_time THEN 1 ELSE 0 END)
		FROM workorders WHERE kind = ? AND state = 'closed' AND period >= ? GROUP BY period, area_path`, kind, since)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p, a string
		var n, on sql.NullInt64
		if err := rows.Scan(&p, &a, &n, &on); err != nil {
			rows.Close()
			return nil, err
		}
		c := get(p, a)
		c.Closed, c.ClosedOnTime = n.Int64, on.Int64
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT period, area_path, COUNT(*), SUM(CASE WHEN rating = 'satisfied' THEN 1 ELSE 0 END),
		SUM(CASE WHEN rating = 'basic' THEN 1 ELSE 0 END) FROM report_surveys WHERE period >= ? GROUP BY period, area_path`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p, a string
		var n, s, b sql.NullInt64
		if err := rows.Scan(&p, &a, &n, &s, &b); err != nil {
			return nil, err
		}
		c := get(p, a)
		c.Surveys, c.Satisfied, c.Basic = n.Int64, s.Int64, b.Int64
	}
	out := make([]ResidentCell, 0, len(order))
	for _, k := range order {
		out = append(out, *cells[k])
	}
	return out, rows.Err()
}

// MaxEventID is the newest work-order event id (0 when there is none).
func (db *DB) MaxEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := db.QueryRow(ctx, `SELECT MAX(id) FROM workorder_events`).Scan(&id)
	return id.Int64, err
}
