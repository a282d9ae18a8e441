package store

import (
	"context"
	"strings"
	"time"

	"towngrid/internal/workflow/indicators"
)

// CounterKey is one cell of the pre-aggregated indicator table.
type CounterKey struct {
	Period   string // YYYY-MM of the report (Asia/Shanghai)
	AreaPath string // the unit grid's path
	Category string
	Source   string
}

// CounterDelta adds Values (in counterCols order) to a cell.
type CounterDelta struct {
	Key    CounterKey
	Values []int64
}

var counterCols = []string{"reported", "public_reported", "valid", "verified_on_time", "intake_done", "intake_on_time",
	"registered", "public_registered", "registered_on_time", "not_accepted", "not_registered", "voided", "dispatched",
	"dispatched_on_time", "reworked", "rework_loops", "suspended", "disposed", "disposed_on_time", "overdue_undisposed",
	"checks", "checks_on_time", "closed", "closed_on_time", "closed_normal", "closed_overdue", "closed_error", "closed_special",
	"self_handled", "dispose_ms"}

func counterVector(c *indicators.Counters) []int64 {
	bt := c.ClosedByType
	return []int64{int64(c.Reported), int64(c.PublicReported), int64(c.Valid), int64(c.VerifiedOnTime), int64(c.IntakeDone), int64(c.IntakeOnTime),
		int64(c.Registered), int64(c.PublicRegistered), int64(c.RegisteredOnTime), int64(c.NotAccepted), int64(c.NotRegistered), int64(c.Voided),
		int64(c.Dispatched), int64(c.DispatchedOnTime), int64(c.Reworked), int64(c.ReworkLoops), int64(c.Suspended), int64(c.Disposed),
		int64(c.DisposedOnTime), int64(c.OverdueUndisposed), int64(c.Checks), int64(c.ChecksOnTime), int64(c.Closed), int64(c.ClosedOnTime),
		int64(bt["normal"]), int64(bt["overdue"]), int64(bt["error"]), int64(bt["special"]), int64(c.SelfHandled), c.DisposeTime.Milliseconds()}
}

func countersOf(v []int64) indicators.Counters {
	i := func(k int) int { return int(v[k]) }
	c := indicators.Counters{Reported: i(0), PublicReported: i(1), Valid: i(2), VerifiedOnTime: i(3), IntakeDone: i(4), IntakeOnTime: i(5),
		Registered: i(6), PublicRegistered: i(7), RegisteredOnTime: i(8), NotAccepted: i(9), NotRegistered: i(10), Voided: i(11),
		Dispatched: i(12), DispatchedOnTime: i(13), Reworked: i(14), ReworkLoops: i(15), Suspended: i(16), Disposed: i(17),
		DisposedOnTime: i(18), OverdueUndisposed: i(19), Checks: i(20), ChecksOnTime: i(21), Closed: i(22), ClosedOnTime: i(23),
		SelfHandled: i(28), DisposeTime: time.Duration(v[29]) * time.Millisecond}
	for k, name := range []string{"normal", "overdue", "error", "special"} {
		if v[24+k] != 0 {
			if c.ClosedByType == nil {
				c.ClosedByType = map[string]int{}
			}
			c.ClosedByType[name] = int(v[24+k])
		}
	}
	return c
}

// CounterDeltas turns a case's counted facts before and after an event into
// the cell updates: what the old snapshot added to its cell is taken away and
// the new snapshot is added to its (maybe different) cell. before == nil for
// a new case.
func CounterDeltas(oldKey CounterKey, before *indicators.Facts, newKey CounterKey, after indicators.Facts) []CounterDelta {
	var oc, nc indicators.Counters
	if before != nil {
		oc.Add(*before)
	}
	nc.Add(after)
	ov, nv := counterVector(&oc), counterVector(&nc)
	if before != nil && oldKey == newKey {
		d := make([]int64, len(nv))
		zero := true
		for i := range nv {
			d[i] = nv[i] - ov[i]
			zero = zero && d[i] == 0
		}
		if zero {
			return nil
		}
		return []CounterDelta{{newKey, d}}
	}
	out := []CounterDelta{{newKey, nv}}
	if before != nil {
		for i := range ov {
			ov[i] = -ov[i]
		}
		out = append(out, CounterDelta{oldKey, ov})
	}
	return out
}

var counterUpsert = func() string {
	var b strings.Builder
	b.WriteString(`INSERT INTO workorder_counters (period, area_path, category, source, ` + strings.Join(counterCols, ", ") + `) VALUES (?, ?, ?, ?`)
	b.WriteString(strings.Repeat(", ?", len(counterCols)))
	b.WriteString(`) ON CONFLICT (period, area_path, category, source) DO UPDATE SET `)
	for i, c := range counterCols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = workorder_counters." + c + " + excluded." + c)
	}
	return b.String()
}()

// addCounters upserts one delta. Callers audit the event that caused it.
func (t *Tx) addCounters(ctx context.Context, d CounterDelta) error {
	args := make([]any, 0, 4+len(d.Values))
	args = append(args, d.Key.Period, d.Key.AreaPath, d.Key.Category, d.Key.Source)
	for _, v := range d.Values {
		args = append(args, v)
	}
	_, err := t.execP(ctx, counterUpsert, args...)
	return err
}

// AddCounterFacts counts facts into a cell directly (imports of historical
// months, tests that rebuild a published month), audited once per call.
func (t *Tx) AddCounterFacts(ctx context.Context, k CounterKey, facts []indicators.Facts) error {
	var c indicators.Counters
	for _, f := range facts {
		c.Add(f)
	}
	if err := t.addCounters(ctx, CounterDelta{k, counterVector(&c)}); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "indicators.import", Object: "workorder_counters", ObjectID: k.Period + " " + k.AreaPath,
		Detail: "facts of " + Itoa(int64(len(facts))) + " cases counted"})
}

// CounterCell is one stored cell.
type CounterCell struct {
	Key      CounterKey
	Counters indicators.Counters
}

// CounterCells reads the cells of the given periods below an area path.
func (db *DB) CounterCells(ctx context.Context, periods []string, areaPath string) ([]CounterCell, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	q := `SELECT period, area_path, category, source, ` + strings.Join(counterCols, ", ") + ` FROM workorder_counters
		WHERE period IN (?` + strings.Repeat(", ?", len(periods)-1) + `) AND area_path >= ? AND area_path < ?`
	args := []any{}
	for _, p := range periods {
		args = append(args, p)
	}
	args = append(args, areaPath, areaPath+"~")
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CounterCell
	v := make([]int64, len(counterCols))
	dest := make([]any, 4+len(counterCols))
	for rows.Next() {
		var c CounterCell
		dest[0], dest[1], dest[2], dest[3] = &c.Key.Period, &c.Key.AreaPath, &c.Key.Category, &c.Key.Source
		for i := range v {
			dest[4+i] = &v[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		c.Counters = countersOf(v)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CounterSums is CounterCells summed in the database by period and by one
// column (category, source or area_path; "" for none): the query returns a
// few rows instead of every cell, which is what keeps a town-wide report
// fast however many grids and categories there are.
func (db *DB) CounterSums(ctx context.Context, periods []string, areaPath, by string) ([]CounterCell, error) {
	if len(periods) == 0 {
		return nil, nil
	}
	col := "''"
	switch by {
	case "category", "source", "area_path":
		col = by
	case "":
	default:
		return nil, ErrNotFound
	}
	var sb strings.Builder
	sb.WriteString(`SELECT period, ` + col)
	for _, c := range counterCols {
		sb.WriteString(`, CAST(SUM(` + c + `) AS BIGINT)`)
	}
	sb.WriteString(` FROM workorder_counters WHERE period IN (?` + strings.Repeat(", ?", len(periods)-1) + `) AND area_path >= ? AND area_path < ? GROUP BY period`)
	if by != "" {
		sb.WriteString(`, ` + col)
	}
	args := []any{}
	for _, p := range periods {
		args = append(args, p)
	}
	args = append(args, areaPath, areaPath+"~")
	rows, err := db.Query(ctx, sb.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CounterCell
	v := make([]int64, len(counterCols))
	dest := make([]any, 2+len(counterCols))
	for rows.Next() {
		var c CounterCell
		var key string
		dest[0], dest[1] = &c.Key.Period, &key
		for i := range v {
			dest[2+i] = &v[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		switch by {
		case "category":
			c.Key.Category = key
		case "source":
			c.Key.Source = key
		case "area_path":
			c.Key.AreaPath = key
		}
		c.Counters = countersOf(v)
		out = append(out, c)
	}
	return out, rows.Err()
}
