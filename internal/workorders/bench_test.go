package workorders_test

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workorders"
)

// Volume benchmarks on SQLite (docs/perf-workorders.md, docs/perf-volume.md).
// One data set for all three: storetest.OpenVolume (a town of 25 × 40 grids,
// TOWNGRID_BENCH_ROWS work orders of ≈ 1 KB, 10 % open, the open ones' pending
// timers, counter cells summed from the rows, roll-ups). Default 200,000 rows;
// at 10 M keep the data between runs with TOWNGRID_BENCH_KEEP:
//
//	TOWNGRID_BENCH_KEEP=/tmp/tgvol TOWNGRID_BENCH_ROWS=10000000 go test ./internal/workorders -run '^$' -bench 'Volume' -benchtime 2s -cpu 2 -timeout 2h
func benchRows() int { return storetest.BenchRows(200_000) }

type volume struct {
	*storetest.Volume
	db    *store.DB
	town  *directory.Area
	grids []string // paths
	gids  []int64
}

// communityPath is the path of the i-th community (its grids' common prefix).
func (v *volume) communityPath(i int) string {
	return fmt.Sprintf("%s%d/", v.town.Path, v.Communities[i])
}

func newVolume(b *testing.B, n int) *volume {
	sv := storetest.OpenVolume(b, n)
	v := &volume{Volume: sv, db: sv.DB, town: sv.Town(), grids: sv.GridPaths, gids: sv.GridIDs}
	if sv.Reused {
		b.Logf("volume: %d work orders reused from %s (generated %s in %.0fs)", n, sv.Dir, sv.GeneratedAt, sv.TotalSeconds)
	}
	b.Logf("volume: %d work orders (%d open), %d pending timers, %d counter cells, %.2f GB; load %.0fs + indexes %.0fs + counters %.0fs",
		sv.Rows, sv.Open, sv.Timers, sv.Cells, float64(sv.DBBytes)/1e9, sv.LoadSeconds, sv.IndexSeconds, sv.CounterSeconds)
	return v
}

func report(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// One page (50) of a queue in the whole town and in one grid, and the same
// page read by a plain ORDER BY id scan (the baseline the index design avoids).
func BenchmarkVolumeListQueue(b *testing.B) {
	v := newVolume(b, benchRows())
	for _, c := range []struct {
		name string
		f    store.WorkOrderFilter
	}{
		{"town-dispatch", store.WorkOrderFilter{Scopes: []string{v.town.Path}, Stages: []string{"dispatch"}, Limit: 51}},
		{"grid-open", store.WorkOrderFilter{Scopes: []string{v.town.Path}, AreaPath: v.grids[1], OpenOnly: true, Limit: 51}},
		{"town-open-page20", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Limit: 51}},
		// filters on a queue: the rows of the range are read until a page matches
		{"town-open-red", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Light: "red", Limit: 51}},
		{"town-open-category", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Category: storetest.VolumeCategories[3], Limit: 51}},
		{"community-dispose-category", store.WorkOrderFilter{Scopes: []string{v.town.Path}, AreaPath: v.communityPath(1), Stages: []string{"dispose"}, Category: storetest.VolumeCategories[5], Limit: 51}},
		// worst case: a filter nothing matches reads the whole range (≈ 1 M open rows)
		{"town-open-category-none", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Category: "C0701", Limit: 51}},
		// queue=all: no leading column; is_open true and false merged
		{"community-all", store.WorkOrderFilter{Scopes: []string{v.town.Path}, AreaPath: v.communityPath(2), Limit: 51}},
		// the same filters as the API runs them: at most store.ListWindow index
		// entries per page, a page that stops short is partial (resumable)
		{"window-town-open-red", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Light: "red", Limit: 51, Window: store.ListWindow}},
		{"window-town-open-category", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Category: storetest.VolumeCategories[3], Limit: 51, Window: store.ListWindow}},
		{"window-community-dispose-category", store.WorkOrderFilter{Scopes: []string{v.town.Path}, AreaPath: v.communityPath(1), Stages: []string{"dispose"}, Category: storetest.VolumeCategories[5], Limit: 51, Window: store.ListWindow}},
		{"window-town-open-category-none", store.WorkOrderFilter{Scopes: []string{v.town.Path}, OpenOnly: true, Category: "C0701", Limit: 51, Window: store.ListWindow}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := c.f
			if c.name == "town-open-page20" { // start from a cursor deep in the list
				var id int64
				v.db.QueryRow(ctx, `SELECT id FROM workorders WHERE is_open = TRUE ORDER BY area_path, id LIMIT 1 OFFSET 1000`).Scan(&id)
				f.After = id
			}
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				ws, scannedTo, err := v.db.ListWorkOrdersPage(ctx, f)
				if err != nil || (len(ws) == 0 && scannedTo == 0 && !strings.HasSuffix(c.name, "-none")) {
					b.Fatal(err, len(ws))
				}
				lat = append(lat, time.Since(t0))
			}
			report(b, lat)
		})
	}
	b.Run("baseline-order-by-id-grid", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			rows, err := v.db.Query(ctx, `SELECT id FROM workorders WHERE area_path >= ? AND area_path < ? AND is_open = TRUE ORDER BY id LIMIT 51`, v.grids[1], v.grids[1]+"~")
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			lat = append(lat, time.Since(t0))
		}
		report(b, lat)
	})
}

// The timer sweep's claim over the pending timers of the open work orders
// (one per open case, the chain's next link, fire_at spread over 30 days): time to find and lock the
// 1,000 due rows, rolled back so every iteration sees the same table. "Now"
// is the 1,000th pending fire_at, so exactly 1,000 are due even after a
// served copy of the kept data fired the first ones.
func BenchmarkVolumeTimerClaim(b *testing.B) {
	v := newVolume(b, benchRows())
	var now int64
	if err := v.db.QueryRow(ctx, `SELECT fire_at FROM workorder_timers WHERE fired_at = 0 ORDER BY fire_at LIMIT 1 OFFSET 999`).Scan(&now); err != nil {
		b.Fatal(err)
	}
	var pending int
	v.db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_timers WHERE fired_at = 0`).Scan(&pending)
	b.Logf("%d pending timers, %d open work orders", pending, v.Open)
	errRollback := errors.New("rollback")
	claim := func(b *testing.B, read func(tx *store.Tx) (int, error)) {
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			err := v.db.Write(ctx, store.System, func(tx *store.Tx) error {
				n, err := read(tx)
				if err != nil {
					return err
				}
				if n != 1000 {
					return fmt.Errorf("claimed %d", n)
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		report(b, lat)
	}
	b.Run("claim-1000-due", func(b *testing.B) {
		claim(b, func(tx *store.Tx) (int, error) {
			rows, err := tx.DueTimers(ctx, now, 1000)
			return len(rows), err
		})
	})
	// Baseline in the same run: the cheapest read of 1,000 timer rows, a
	// primary-key range, in the same kind of write transaction.
	b.Run("baseline-pk-range-1000", func(b *testing.B) {
		claim(b, func(tx *store.Tx) (int, error) {
			rows, err := tx.Query(ctx, `SELECT id, workorder_id, kind, timer, state, fire_at FROM workorder_timers WHERE id > ? ORDER BY id LIMIT 1000`, v.Timers/2)
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var r store.TimerRow
				if err := rows.Scan(&r.ID, &r.WorkOrderID, &r.Kind, &r.Timer, &r.State, &r.FireAt); err != nil {
					return 0, err
				}
				n++
			}
			return n, rows.Err()
		})
	})
}

// The sweep itself (workorders.Engine.Sweep, as the server runs it every
// second): claim the 500 earliest pending timers and fire them (event,
// counters, audit, light) in one transaction. It writes: each iteration fires
// 500 more of the kept data's ≈ 1 M pending timers. The rate bounds how late
// a light changes when many timers fall due together (deadlines that roll to
// the same working-day start).
func BenchmarkVolumeTimerSweep(b *testing.B) {
	v := newVolume(b, benchRows())
	e := newEnvOn(b, v.db)
	defer v.db.SetClock(time.Now)
	var fired, failed int
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var at int64
		if err := v.db.QueryRow(ctx, `SELECT fire_at FROM workorder_timers WHERE fired_at = 0 ORDER BY fire_at LIMIT 1 OFFSET 499`).Scan(&at); err != nil {
			b.Fatal(err)
		}
		v.db.SetClock(func() time.Time { return time.UnixMilli(at) })
		t0 := time.Now()
		n, err := e.Sweep(ctx, workorders.SweepBatch)
		if err != nil || n != workorders.SweepBatch {
			b.Fatal(n, err)
		}
		lat = append(lat, time.Since(t0))
		fired += n
	}
	b.StopTimer()
	v.db.SetClock(time.Now)
	v.db.QueryRow(ctx, `SELECT COUNT(*) FROM workorder_timers WHERE claimed_by LIKE '%(failed)'`).Scan(&failed)
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	b.ReportMetric(float64(fired)/total.Seconds(), "firings/s")
	b.Logf("%d timers fired in %v; %d firings ever failed in this data", fired, total.Round(time.Millisecond), failed)
	report(b, lat)
}

// Indicators of the whole town for a month with 环比/同比 from the counter
// cells summed from the generated rows (one per month × grid × category ×
// source that saw a case: all 80,000 per month from about 2 M rows up).
func BenchmarkVolumeIndicators(b *testing.B) {
	v := newVolume(b, benchRows())
	if len(v.Months) < 19 {
		b.Fatalf("months %v", v.Months)
	}
	period := v.Months[len(v.Months)-6] // its month a year before is in the data too
	yoy := v.Months[len(v.Months)-18]
	prev := v.Months[len(v.Months)-7]
	b.Logf("%d counter cells over %d months; report %s (previous %s, a year before %s)", v.Cells, len(v.Months), period, prev, yoy)
	e := newEnvOn(b, v.db)
	for _, g := range []string{"", "category", "area"} {
		b.Run("group-"+g, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				rep, err := e.Indicators(ctx, v.town, period, g)
				if err != nil || rep.Total.Counters.Reported == 0 {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			report(b, lat)
		})
	}
	// Baseline in the same run: the previous design, summing the grid cells
	// of the three months in SQL (no roll-ups), town total.
	b.Run("baseline-sum-grid-cells", func(b *testing.B) {
		var sb strings.Builder
		sb.WriteString(`SELECT period`)
		for _, c := range []string{"reported", "dispatched", "disposed", "disposed_on_time", "closed", "closed_on_time"} {
			sb.WriteString(`, CAST(SUM(` + c + `) AS BIGINT)`)
		}
		sb.WriteString(` FROM workorder_counters WHERE period IN (?, ?, ?) AND area_path >= ? AND area_path < ? GROUP BY period`)
		lat := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			rows, err := v.db.Query(ctx, sb.String(), period, prev, yoy, v.town.Path, v.town.Path+"~")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n != 3 {
				b.Fatal(n)
			}
			lat = append(lat, time.Since(t0))
		}
		report(b, lat)
	})
}

var _ = account.Admin
