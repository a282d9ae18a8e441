package store

import (
	"context"
	"encoding/json"
	"strings"

	"towngrid/internal/monitor"
)

const alarmRuleCols = `id, name, device_kind, device_id, key, severity, body, category, public, enabled, created_at, updated_at`

func scanAlarmRule(row interface{ Scan(...any) error }) (*monitor.Rule, error) {
	r := &monitor.Rule{}
	var body, sev string
	if err := row.Scan(&r.ID, &r.Name, &r.DeviceKind, &r.DeviceID, &r.Key, &sev, &body, &r.Category, &r.Public, &r.Enabled, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, classify(err)
	}
	r.Severity = monitor.Severity(sev)
	rb, err := monitor.ParseRuleBody([]byte(body))
	if err != nil {
		return nil, err
	}
	r.RuleBody = rb
	return r, nil
}

func ruleBodyJSON(r *monitor.Rule) string {
	b, _ := json.Marshal(r.RuleBody)
	return string(b)
}

// CreateAlarmRule validates and stores a rule.
func (t *Tx) CreateAlarmRule(ctx context.Context, r *monitor.Rule) error {
	if fe := r.Validate(); fe != nil {
		return fieldErr(fe)
	}
	if err := t.ruleDevice(ctx, r); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = t.Now, t.Now
	id, err := t.InsertID(ctx, `INSERT INTO alarm_rules (name, device_kind, device_id, key, severity, body, category, public, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Name, r.DeviceKind, r.DeviceID, r.Key, string(r.Severity), ruleBodyJSON(r), r.Category, r.Public, r.Enabled, t.Now, t.Now)
	if err != nil {
		return err
	}
	r.ID = id
	return t.Audit(ctx, Change{Action: "alarm_rule.create", Object: "alarm_rule", ObjectID: id, After: r, Detail: r.Name})
}

func (t *Tx) ruleDevice(ctx context.Context, r *monitor.Rule) error {
	if r.DeviceID == 0 {
		return nil
	}
	var one int
	if err := t.QueryRow(ctx, `SELECT 1 FROM devices WHERE id = ?`, r.DeviceID).Scan(&one); err != nil {
		return fieldErr(&monitor.FieldError{Field: "device_id", Code: "alarm_rule.device_unknown", Detail: "no such device"})
	}
	return nil
}

// UpdateAlarmRule replaces a rule. Its evaluation state restarts, since the
// condition it counted towards may have changed.
func (t *Tx) UpdateAlarmRule(ctx context.Context, r *monitor.Rule) error {
	before, err := scanAlarmRule(t.QueryRow(ctx, `SELECT `+alarmRuleCols+` FROM alarm_rules WHERE id = ?`, r.ID))
	if err != nil {
		return err
	}
	if fe := r.Validate(); fe != nil {
		return fieldErr(fe)
	}
	if err := t.ruleDevice(ctx, r); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = before.CreatedAt, t.Now
	if _, err := t.Exec(ctx, `UPDATE alarm_rules SET name = ?, device_kind = ?, device_id = ?, key = ?, severity = ?, body = ?, category = ?, public = ?, enabled = ?, updated_at = ? WHERE id = ?`,
		r.Name, r.DeviceKind, r.DeviceID, r.Key, string(r.Severity), ruleBodyJSON(r), r.Category, r.Public, r.Enabled, t.Now, r.ID); err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM alarm_rule_state WHERE rule_id = ?`, r.ID); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "alarm_rule.update", Object: "alarm_rule", ObjectID: r.ID, Before: before, After: r, Detail: r.Name})
}

// DeleteAlarmRule removes a rule and its state; its alarms stay.
func (t *Tx) DeleteAlarmRule(ctx context.Context, id int64) error {
	before, err := scanAlarmRule(t.QueryRow(ctx, `SELECT `+alarmRuleCols+` FROM alarm_rules WHERE id = ?`, id))
	if err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM alarm_rule_state WHERE rule_id = ?`, id); err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM alarm_rules WHERE id = ?`, id); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "alarm_rule.delete", Object: "alarm_rule", ObjectID: id, Before: before, Detail: before.Name})
}

// AlarmRule reads one rule.
func (db *DB) AlarmRule(ctx context.Context, id int64) (*monitor.Rule, error) {
	return scanAlarmRule(db.QueryRow(ctx, `SELECT `+alarmRuleCols+` FROM alarm_rules WHERE id = ?`, id))
}

// AlarmRules lists every rule (a town has tens of them), in id order.
func (db *DB) AlarmRules(ctx context.Context) ([]*monitor.Rule, error) {
	rows, err := db.Query(ctx, `SELECT `+alarmRuleCols+` FROM alarm_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*monitor.Rule{}
	for rows.Next() {
		r, err := scanAlarmRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RuleKey names one rule's state for one device.
type RuleKey struct{ RuleID, DeviceID int64 }

// RuleStates loads every persisted rule state, with Active set where an
// alarm of that (rule, device) is active.
func (db *DB) RuleStates(ctx context.Context) (map[RuleKey]monitor.State, error) {
	out := map[RuleKey]monitor.State{}
	rows, err := db.Query(ctx, `SELECT rule_id, device_id, since, count, clear_since, clear_count FROM alarm_rule_state`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k RuleKey
		var s monitor.State
		if err := rows.Scan(&k.RuleID, &k.DeviceID, &s.Since, &s.Count, &s.ClearSince, &s.ClearCount); err != nil {
			rows.Close()
			return nil, err
		}
		out[k] = s
	}
	rows.Close()
	rows, err = db.Query(ctx, `SELECT rule_id, device_id FROM alarms WHERE active = ?`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k RuleKey
		if err := rows.Scan(&k.RuleID, &k.DeviceID); err != nil {
			return nil, err
		}
		s := out[k]
		s.Active = true
		out[k] = s
	}
	return out, rows.Err()
}

// SaveRuleState persists one rule state (upsert).
func (t *Tx) SaveRuleState(ctx context.Context, k RuleKey, s monitor.State) error {
	_, err := t.Exec(ctx, `INSERT INTO alarm_rule_state (rule_id, device_id, since, count, clear_since, clear_count) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (rule_id, device_id) DO UPDATE SET since = excluded.since, count = excluded.count, clear_since = excluded.clear_since, clear_count = excluded.clear_count`,
		k.RuleID, k.DeviceID, s.Since, s.Count, s.ClearSince, s.ClearCount)
	return err
}

// Alarm is one raised alarm.
type Alarm struct {
	ID          int64            `json:"id"`
	RuleID      int64            `json:"rule_id"`
	DeviceID    int64            `json:"device_id"`
	AreaID      int64            `json:"area_id"`
	AreaPath    string           `json:"area_path"`
	Key         string           `json:"key"`
	Name        string           `json:"name"`
	Severity    monitor.Severity `json:"severity"`
	Active      bool             `json:"active"`
	Acked       bool             `json:"acked"`
	Public      bool             `json:"public"`
	Value       float64          `json:"value"`
	StartTS     int64            `json:"start_ts"`
	EndTS       int64            `json:"end_ts"`
	AckedAt     int64            `json:"acked_at,omitempty"`
	AckedBy     int64            `json:"acked_by,omitempty"`
	ClearedAt   int64            `json:"cleared_at,omitempty"`
	ClearedBy   int64            `json:"cleared_by,omitempty"`
	WorkOrderID int64            `json:"workorder_id,omitempty"`
	CreatedAt   int64            `json:"created_at"`
}

// Status is ThingsBoard's combined status: ACTIVE_UNACK, ACTIVE_ACK, CLEARED_UNACK, CLEARED_ACK.
func (a *Alarm) Status() string {
	s := "CLEARED_"
	if a.Active {
		s = "ACTIVE_"
	}
	if a.Acked {
		return s + "ACK"
	}
	return s + "UNACK"
}

const alarmCols = `id, rule_id, device_id, area_id, area_path, key, name, severity, active, acked, public, value, start_ts, end_ts, acked_at, acked_by, cleared_at, cleared_by, workorder_id, created_at`

func scanAlarm(row interface{ Scan(...any) error }) (*Alarm, error) {
	a := &Alarm{}
	var sev string
	err := row.Scan(&a.ID, &a.RuleID, &a.DeviceID, &a.AreaID, &a.AreaPath, &a.Key, &a.Name, &sev, &a.Active, &a.Acked, &a.Public, &a.Value,
		&a.StartTS, &a.EndTS, &a.AckedAt, &a.AckedBy, &a.ClearedAt, &a.ClearedBy, &a.WorkOrderID, &a.CreatedAt)
	if err != nil {
		return nil, classify(err)
	}
	a.Severity = monitor.Severity(sev)
	return a, nil
}

// ActiveAlarm returns the active alarm of (rule, device), or ErrNotFound.
func (t *Tx) ActiveAlarm(ctx context.Context, k RuleKey) (*Alarm, error) {
	return scanAlarm(t.QueryRow(ctx, `SELECT `+alarmCols+` FROM alarms WHERE device_id = ? AND rule_id = ? AND active = ?`, k.DeviceID, k.RuleID, true))
}

// OpenAlarm inserts an active alarm; the unique index keeps one per (device, rule).
func (t *Tx) OpenAlarm(ctx context.Context, a *Alarm) error {
	a.Active, a.CreatedAt = true, t.Now
	id, err := t.InsertID(ctx, `INSERT INTO alarms (rule_id, device_id, area_id, area_path, key, name, severity, active, acked, public, value, start_ts, end_ts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.RuleID, a.DeviceID, a.AreaID, a.AreaPath, a.Key, a.Name, string(a.Severity), true, false, a.Public, a.Value, a.StartTS, a.EndTS, t.Now)
	if err != nil {
		return err
	}
	a.ID = id
	return t.Audit(ctx, Change{Action: "alarm.open", Object: "alarm", ObjectID: id, After: a, Detail: a.Name})
}

// ExtendAlarm moves an active alarm's end time (the condition held again).
// Not audited: it is the same alarm continuing, as ThingsBoard extends it.
func (t *Tx) ExtendAlarm(ctx context.Context, id, ts int64, value float64) error {
	_, err := t.Exec(ctx, `UPDATE alarms SET end_ts = CASE WHEN ? > end_ts THEN ? ELSE end_ts END, value = ? WHERE id = ? AND active = ?`, ts, ts, value, id, true)
	return err
}

// SetAlarmWorkOrder links the work order an alarm opened.
func (t *Tx) SetAlarmWorkOrder(ctx context.Context, id, workOrderID int64) error {
	_, err := t.Exec(ctx, `UPDATE alarms SET workorder_id = ? WHERE id = ?`, workOrderID, id)
	return err
}

// ClearAlarm clears an active alarm (by 0 = the rule's clear condition).
func (t *Tx) ClearAlarm(ctx context.Context, id, by int64) (*Alarm, error) {
	a, err := scanAlarm(t.QueryRow(ctx, `SELECT `+alarmCols+` FROM alarms WHERE id = ?`+t.db.dialect.ForUpdate(), id))
	if err != nil {
		return nil, err
	}
	if !a.Active {
		return a, ErrConflict
	}
	before := *a
	a.Active, a.ClearedAt, a.ClearedBy = false, t.Now, by
	if _, err := t.Exec(ctx, `UPDATE alarms SET active = ?, cleared_at = ?, cleared_by = ? WHERE id = ?`, false, t.Now, by, id); err != nil {
		return nil, err
	}
	if _, err := t.Exec(ctx, `DELETE FROM alarm_rule_state WHERE rule_id = ? AND device_id = ?`, a.RuleID, a.DeviceID); err != nil {
		return nil, err
	}
	return a, t.Audit(ctx, Change{Action: "alarm.clear", Object: "alarm", ObjectID: id, Before: before, After: a, Detail: a.Name})
}

// AckAlarm acknowledges an alarm.
func (t *Tx) AckAlarm(ctx context.Context, id, by int64) (*Alarm, error) {
	a, err := scanAlarm(t.QueryRow(ctx, `SELECT `+alarmCols+` FROM alarms WHERE id = ?`+t.db.dialect.ForUpdate(), id))
	if err != nil {
		return nil, err
	}
	if a.Acked {
		return a, ErrConflict
	}
	before := *a
	a.Acked, a.AckedAt, a.AckedBy = true, t.Now, by
	if _, err := t.Exec(ctx, `UPDATE alarms SET acked = ?, acked_at = ?, acked_by = ? WHERE id = ?`, true, t.Now, by, id); err != nil {
		return nil, err
	}
	return a, t.Audit(ctx, Change{Action: "alarm.ack", Object: "alarm", ObjectID: id, Before: before, After: a, Detail: a.Name})
}

// Alarm reads one alarm.
func (db *DB) Alarm(ctx context.Context, id int64) (*Alarm, error) {
	return scanAlarm(db.QueryRow(ctx, `SELECT `+alarmCols+` FROM alarms WHERE id = ?`, id))
}

// AlarmFilter selects alarms; lists run newest first.
type AlarmFilter struct {
	Scope    Scope
	Status   string // "", active, cleared
	Acked    *bool
	Public   bool // only public alarms
	DeviceID int64
	Before   int64 // cursor: ids below this when > 0
	Limit    int
}

// ListAlarms returns alarms, newest first.
func (db *DB) ListAlarms(ctx context.Context, f AlarmFilter) ([]*Alarm, error) {
	var q strings.Builder
	var args []any
	q.WriteString(`SELECT ` + alarmCols + ` FROM alarms WHERE 1=1`)
	if !scopeWhere(&q, &args, f.Scope, "area_path") {
		return []*Alarm{}, nil
	}
	switch f.Status {
	case "active":
		q.WriteString(` AND active = ?`)
		args = append(args, true)
	case "cleared":
		q.WriteString(` AND active = ?`)
		args = append(args, false)
	}
	if f.Acked != nil {
		q.WriteString(` AND acked = ?`)
		args = append(args, *f.Acked)
	}
	if f.Public {
		q.WriteString(` AND public = ?`)
		args = append(args, true)
	}
	if f.DeviceID > 0 {
		q.WriteString(` AND device_id = ?`)
		args = append(args, f.DeviceID)
	}
	if f.Before > 0 {
		q.WriteString(` AND id < ?`)
		args = append(args, f.Before)
	}
	q.WriteString(` ORDER BY id DESC LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Alarm{}
	for rows.Next() {
		a, err := scanAlarm(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
