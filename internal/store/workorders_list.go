package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
)

// WorkOrderFilter selects work orders for a list or a queue.
type WorkOrderFilter struct {
	Scopes     []string // area paths the caller sees; ignored when Unscoped
	Unscoped   bool
	AreaPath   string   // only below this area (already checked against the scopes)
	Stages     []string // any of these stages (a queue); empty = any
	OpenOnly   bool
	States     []string
	Category   string
	Light      string
	Department int64
	Reporter   int64 // > 0: only this reporter's reports (a resident's own)
	Kind       string
	After      int64 // cursor: id of the last row of the previous page
	Limit      int
	// Window > 0 bounds the work of a page whose filters (state, category,
	// light, department, kind) are not in the index it walks: at most Window
	// index entries of each range are examined. A page that stops there
	// before it is full is partial (ListWorkOrdersPage's scannedTo).
	Window int
}

// ListWindow is the API's Window: a page examines at most this many index
// entries. A filter that matched nothing used to read every open row of the
// scope: 36–58 s at 10 M rows (docs/perf-volume.md).
const ListWindow = 2000

// ListWorkOrders returns a page in (area_path, id) order. That order makes
// every page one range of the (stage|is_open, area_path, id) indexes, so its
// cost does not grow with the table; the cursor stays a plain id because the
// last row's area_path is read back by its primary key.
func (db *DB) ListWorkOrders(ctx context.Context, f WorkOrderFilter) ([]*WorkOrder, error) {
	ws, _, err := db.ListWorkOrdersPage(ctx, f)
	return ws, err
}

// listPos is a place in list order.
type listPos struct {
	path string
	id   int64
}

func (a listPos) before(b listPos) bool { return a.path < b.path || a.path == b.path && a.id < b.id }

// ListWorkOrdersPage is ListWorkOrders with f.Window: scannedTo > 0 says the
// page stopped at the window before it was full, and is the cursor (the id
// of the last index entry examined) from which the next page goes on.
func (db *DB) ListWorkOrdersPage(ctx context.Context, f WorkOrderFilter) (items []*WorkOrder, scannedTo int64, err error) {
	var lastPath string
	if f.After > 0 {
		if err := db.QueryRow(ctx, `SELECT area_path FROM workorders WHERE id = ?`, f.After).Scan(&lastPath); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return []*WorkOrder{}, 0, nil
			}
			return nil, 0, err
		}
	}
	var ranges [][2]string
	switch {
	case f.AreaPath != "":
		ranges = [][2]string{{f.AreaPath, f.AreaPath + "~"}}
	case f.Unscoped:
		ranges = [][2]string{{"", "~"}}
	default:
		for _, s := range f.Scopes {
			ranges = append(ranges, [2]string{s, s + "~"})
		}
	}
	if f.Reporter > 0 {
		ranges = [][2]string{{"", "~"}}
	}
	// One query per leading value, each walking one range of the
	// (stage|is_open, area_path, id) indexes in list order; several are merged
	// here. With no leading column (queue=all) or several values in SQL
	// (stage IN …) the database would read and sort every row of the scope
	// instead: a full index scan and an in-memory sort of ≈ 400,000 rows per
	// community at 10 M rows (docs/perf-volume.md).
	type leadQ struct {
		sql string
		arg any
	}
	var leads []leadQ
	switch {
	case len(f.Stages) > 0:
		for _, s := range f.Stages {
			leads = append(leads, leadQ{`stage = ? AND `, s})
		}
	case f.OpenOnly:
		leads = []leadQ{{`is_open = ? AND `, true}}
	case f.Reporter > 0: // the reporter index: one person's reports are few
		leads = []leadQ{{"", nil}}
	default:
		leads = []leadQ{{`is_open = ? AND `, true}, {`is_open = ? AND `, false}}
	}
	var rest strings.Builder
	var restArgs []any
	if len(f.States) > 0 {
		rest.WriteString(` AND state IN (?` + strings.Repeat(`, ?`, len(f.States)-1) + `)`)
		for _, s := range f.States {
			restArgs = append(restArgs, s)
		}
	}
	for _, c := range []struct {
		col string
		val any
		on  bool
	}{{"category", f.Category, f.Category != ""}, {"light", f.Light, f.Light != ""}, {"department_id", f.Department, f.Department > 0},
		{"reporter_id", f.Reporter, f.Reporter > 0}, {"kind", f.Kind, f.Kind != ""}} {
		if c.on {
			rest.WriteString(` AND ` + c.col + ` = ?`)
			restArgs = append(restArgs, c.val)
		}
	}
	out := []*WorkOrder{}
	if len(ranges) == 0 {
		return out, 0, nil
	}
	window := 0
	if f.Window > 0 && rest.Len() > 0 && f.Reporter == 0 { // a reporter's own list uses its exact index
		window = f.Window
	}
	// One query per scope range, each walking its index range; a principal
	// has one or two scopes, and the ranges are disjoint and ordered.
	sortRanges(ranges)
	for _, rg := range ranges {
		if len(out) >= f.Limit {
			break
		}
		if lastPath != "" && rg[1] <= lastPath {
			continue
		}
		want := f.Limit - len(out)
		var got []*WorkOrder
		var stop *listPos // the earliest place where a lead's window ended
		for _, ld := range leads {
			// The index range: from the cursor (or the scope's start) to the
			// scope's end. SQLite bounds an index scan by one lower and one upper
			// limit on area_path, so the tightest ones are given as such and the
			// exact (area_path, id) conditions ride along.
			lo, hi, hiOp := rg[0], rg[1], "<"
			var after []any
			cursor := ""
			if lastPath != "" && lastPath >= rg[0] {
				lo = lastPath
				cursor = ` AND (area_path > ? OR id > ?)`
				after = []any{lastPath, f.After}
			}
			var lead []any
			if ld.sql != "" {
				lead = []any{ld.arg}
			}
			bounds := func() (string, []any) {
				args := append(append(append([]any{}, lead...), lo, hi), after...)
				return ld.sql + `area_path >= ? AND area_path ` + hiOp + ` ?` + cursor, args
			}
			if window > 0 {
				// The window's end: the window-th entry of the index range, read
				// from the index alone. The page's query is then the usual one,
				// bounded by it: it still stops as soon as the page is full.
				w, a := bounds()
				var end listPos
				err := db.QueryRow(ctx, `SELECT area_path, id FROM workorders WHERE `+w+` ORDER BY area_path, id LIMIT 1 OFFSET ?`,
					append(a, window-1)...).Scan(&end.path, &end.id)
				switch {
				case errors.Is(err, sql.ErrNoRows): // the range ends inside the window
				case err != nil:
					return nil, 0, err
				default:
					hi, hiOp = end.path, "<="
					cursor += ` AND (area_path < ? OR id <= ?)`
					after = append(after, end.path, end.id)
					if stop == nil || end.before(*stop) {
						stop = &end
					}
				}
			}
			where, args := bounds()
			q := `SELECT ` + woListCols + ` FROM workorders WHERE ` + where + rest.String() + ` ORDER BY area_path, id LIMIT ?`
			args = append(append(args, restArgs...), want)
			rows, err := db.Query(ctx, q, args...)
			if err != nil {
				return nil, 0, err
			}
			for rows.Next() {
				w, err := scanWorkOrder(rows)
				if err != nil {
					rows.Close()
					return nil, 0, err
				}
				got = append(got, w)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, 0, err
			}
		}
		if len(leads) > 1 { // merge: list order is (area_path, id), byte order on both databases
			sort.Slice(got, func(i, j int) bool {
				if got[i].AreaPath != got[j].AreaPath {
					return got[i].AreaPath < got[j].AreaPath
				}
				return got[i].ID < got[j].ID
			})
		}
		if stop != nil { // rows past the earliest window end were not seen by every lead
			n := 0
			for n < len(got) && !stop.before(listPos{got[n].AreaPath, got[n].ID}) {
				n++
			}
			got = got[:n]
		}
		if len(got) > want {
			got = got[:want]
		}
		out = append(out, got...)
		if stop != nil && len(got) < want {
			return out, stop.id, nil // partial: go on after the window
		}
	}
	return out, 0, nil
}

func sortRanges(r [][2]string) {
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j][0] < r[j-1][0]; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
}
