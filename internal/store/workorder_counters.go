package store

import (
	"cmp"
	"context"
	"slices"
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

// addCounters adds one delta to its cell and to the roll-up cells of the
// cell's area and every ancestor (see rollupKeys). Inside a group-commit
// batch the deltas are summed per cell and written once when the batch ends.
// Callers audit the event that caused it.
func (t *Tx) addCounters(ctx context.Context, d CounterDelta) error {
	if bs := t.batch(); bs != nil {
		bs.counters = append(bs.counters, d)
		return nil
	}
	return t.upsertCounters(ctx, []CounterDelta{d})
}

// upsertCounters sums ds per cell (with their roll-ups) and upserts each cell
// once, in key order (the same lock order on every replica).
func (t *Tx) upsertCounters(ctx context.Context, ds []CounterDelta) error {
	if len(ds) == 0 {
		return nil
	}
	sum := map[CounterKey][]int64{}
	base := map[CounterKey]bool{}
	add := func(k CounterKey, v []int64) {
		acc := sum[k]
		if acc == nil {
			acc = make([]int64, len(counterCols))
			sum[k] = acc
		}
		for i, x := range v {
			acc[i] += x
		}
	}
	for _, d := range ds {
		add(d.Key, d.Values)
		base[d.Key] = true
		rollupKeys(d.Key, func(k CounterKey) { add(k, d.Values) })
	}
	keys := make([]CounterKey, 0, len(sum))
	for k, v := range sum {
		if base[k] || !allZero(v) { // a roll-up that nets to zero changes nothing
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b CounterKey) int {
		return cmp.Or(cmp.Compare(a.Period, b.Period), cmp.Compare(a.AreaPath, b.AreaPath), cmp.Compare(a.Category, b.Category), cmp.Compare(a.Source, b.Source))
	})
	args := make([]any, 0, 4+len(counterCols))
	for _, k := range keys {
		args = append(args[:0], k.Period, k.AreaPath, k.Category, k.Source)
		for _, v := range sum[k] {
			args = append(args, v)
		}
		if _, err := t.execP(ctx, counterUpsert, args...); err != nil {
			return err
		}
	}
	return nil
}

func allZero(v []int64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// Roll-up cells: for a grid cell (period, /1/2/4/, category, source) the same
// counts are also kept under (period, #01/1/, category, source),
// (period, #02/1/2/, …) and (period, #03/1/2/4/, …): one cell per area on
// the path, holding everything filed at that area or below it, the depth in
// two digits after the mark. The totals per area, all categories and sources
// together, are kept under (period, $01/1/, "", "") and so on. A town report
// reads its own roll-up cells (a few rows per month, whatever the number of
// grids and work orders); a report per child area reads the children's
// totals, which share the prefix $<depth+1><path>. '#' and '$' sort before
// '/', so the grid-cell ranges (area_path >= '/1/' …) never see them.
const (
	rollupMark = '#' // per area, category and source
	totalMark  = '$' // per area
)

// rollupPath is the roll-up key of an area path with a mark ("" if it is
// not an area path).
func rollupPath(mark byte, path string) string {
	n := strings.Count(path, "/") - 1
	if n < 1 || path[0] != '/' || n > 99 {
		return ""
	}
	return string([]byte{mark, byte('0' + n/10), byte('0' + n%10)}) + path
}

// rollupKeys calls f with the roll-up keys of every area on k's path.
func rollupKeys(k CounterKey, f func(CounterKey)) {
	p := k.AreaPath
	if p == "" || p[0] != '/' {
		return
	}
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			r := k
			r.AreaPath = rollupPath(rollupMark, p[:i+1])
			f(r)
			f(CounterKey{Period: k.Period, AreaPath: rollupPath(totalMark, p[:i+1])})
		}
	}
}

// rollupMarker is a row that says the roll-ups were built (EnsureCounterRollups).
var rollupMarker = CounterKey{Period: "0000-00", AreaPath: "#", Source: "rollups-v1"}

// EnsureCounterRollups builds the roll-up cells once, for counter cells
// written before roll-ups existed; later writes keep them current.
func (db *DB) EnsureCounterRollups(ctx context.Context) error {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_counters WHERE period = ? AND area_path = ? AND category = ? AND source = ?`,
		rollupMarker.Period, rollupMarker.AreaPath, rollupMarker.Category, rollupMarker.Source).Scan(&n)
	if err != nil || n > 0 {
		return err
	}
	return db.RebuildCounterRollups(ctx)
}

// RebuildCounterRollups recomputes every roll-up cell from the grid cells
// (also for cells loaded in bulk with SQL), one month at a time, audited.
func (db *DB) RebuildCounterRollups(ctx context.Context) error {
	return db.Write(ctx, System, func(tx *Tx) error {
		if tx.Dialect() == Postgres { // no replica adds deltas while the sums are rebuilt
			if _, err := tx.Exec(ctx, `LOCK TABLE workorder_counters IN EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM workorder_counters WHERE area_path >= ? AND area_path < ?`, "#", "/"); err != nil {
			return err
		}
		var periods []string
		rows, err := tx.Query(ctx, `SELECT DISTINCT period FROM workorder_counters ORDER BY period`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return err
			}
			periods = append(periods, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cells := 0
		for _, p := range periods {
			n, err := tx.rollupPeriod(ctx, p)
			if err != nil {
				return err
			}
			cells += n
		}
		if err := tx.upsertCounters(ctx, []CounterDelta{{rollupMarker, make([]int64, len(counterCols))}}); err != nil {
			return err
		}
		return tx.Audit(ctx, Change{Action: "indicators.rollup", Object: "workorder_counters", ObjectID: "rollups",
			Detail: "roll-up cells rebuilt from " + Itoa(int64(cells)) + " cells"})
	})
}

func (tx *Tx) rollupPeriod(ctx context.Context, period string) (int, error) {
	rows, err := tx.Query(ctx, `SELECT period, area_path, category, source, `+strings.Join(counterCols, ", ")+`
		FROM workorder_counters WHERE period = ? AND area_path >= ?`, period, "/")
	if err != nil {
		return 0, err
	}
	sum := map[CounterKey][]int64{}
	n := 0
	dest := make([]any, 4+len(counterCols))
	v := make([]int64, len(counterCols))
	for i := range v {
		dest[4+i] = &v[i]
	}
	for rows.Next() {
		var k CounterKey
		dest[0], dest[1], dest[2], dest[3] = &k.Period, &k.AreaPath, &k.Category, &k.Source
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return 0, err
		}
		n++
		rollupKeys(k, func(r CounterKey) {
			acc := sum[r]
			if acc == nil {
				acc = make([]int64, len(counterCols))
				sum[r] = acc
			}
			for i, x := range v {
				acc[i] += x
			}
		})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// Multi-row INSERTs: the roll-ups of this month were deleted above.
	const chunk = 200
	keys := make([]CounterKey, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	row := `(?, ?, ?, ?` + strings.Repeat(", ?", len(counterCols)) + `)`
	head := `INSERT INTO workorder_counters (period, area_path, category, source, ` + strings.Join(counterCols, ", ") + `) VALUES `
	for len(keys) > 0 {
		m := min(chunk, len(keys))
		args := make([]any, 0, m*(4+len(counterCols)))
		for _, k := range keys[:m] {
			args = append(args, k.Period, k.AreaPath, k.Category, k.Source)
			for _, x := range sum[k] {
				args = append(args, x)
			}
		}
		if _, err := tx.Exec(ctx, head+row+strings.Repeat(", "+row, m-1), args...); err != nil {
			return 0, err
		}
		keys = keys[m:]
	}
	return n, nil
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

// CounterSums is the counters of the area at areaPath (everything filed at it
// or below it) for the periods, summed in the database by period and by one
// column: category, source, area_path (one row per child area and one for
// cells filed at the area itself; the child's path is the key) or "" for
// none. It reads roll-up cells, so a town report reads a few rows per month
// whatever the number of grids and work orders.
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
	mark := byte(rollupMark)
	if by == "" || by == "area_path" {
		mark = totalMark
	}
	own := rollupPath(mark, areaPath)
	if own == "" {
		return nil, nil // not an area path: nothing is filed there
	}
	in := ` WHERE period IN (?` + strings.Repeat(", ?", len(periods)-1) + `)`
	args := []any{}
	for _, p := range periods {
		args = append(args, p)
	}
	if by != "area_path" {
		return db.counterSums(ctx, col, in+` AND area_path = ?`, append(args, own), by != "", by, "")
	}
	// Per child: the children's totals ($<depth+1><path>…), then the cells
	// filed at the area itself.
	child := rollupPath(totalMark, areaPath+"0/")[:3] + areaPath
	out, err := db.counterSums(ctx, col, in+` AND area_path >= ? AND area_path < ?`, append(append([]any{}, args...), child, child+"~"), true, by, child[:3])
	if err != nil {
		return nil, err
	}
	mine, err := db.counterSums(ctx, col, in+` AND area_path = ?`, append(args, areaPath), true, by, "")
	return append(out, mine...), err
}

// counterSums runs one summing query; strip is a roll-up prefix to take off
// the area_path keys.
func (db *DB) counterSums(ctx context.Context, col, where string, args []any, group bool, by, strip string) ([]CounterCell, error) {
	var sb strings.Builder
	sb.WriteString(`SELECT period, ` + col)
	for _, c := range counterCols {
		sb.WriteString(`, CAST(SUM(` + c + `) AS BIGINT)`)
	}
	sb.WriteString(` FROM workorder_counters` + where + ` GROUP BY period`)
	if group {
		sb.WriteString(`, ` + col)
	}
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
			c.Key.AreaPath = strings.TrimPrefix(key, strip)
		}
		c.Counters = countersOf(v)
		out = append(out, c)
	}
	return out, rows.Err()
}
