package workorders_test

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Volume benchmarks on SQLite (docs/perf-workorders.md). Rows generated with
// raw multi-row INSERTs; TOWNGRID_BENCH_ROWS sets the count (default 200,000):
//
//	TOWNGRID_BENCH_ROWS=1000000 go test ./internal/workorders -run '^$' -bench 'Volume' -benchtime 2s -cpu 2
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("TOWNGRID_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

const benchGrids = 1000

type volume struct {
	db    *store.DB
	town  *directory.Area
	grids []string // paths
	gids  []int64
}

func insertMany(b *testing.B, db *store.DB, head string, n int, row func(i int) string) {
	const chunk = 400
	err := db.Write(ctx, store.System, func(tx *store.Tx) error {
		for i := 0; i < n; i += chunk {
			var sb strings.Builder
			sb.WriteString(head)
			for j := i; j < i+chunk && j < n; j++ {
				if j > i {
					sb.WriteByte(',')
				}
				sb.WriteString(row(j))
			}
			if _, err := tx.Exec(ctx, sb.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func newVolume(b *testing.B, n int) *volume {
	db := storetest.SQLite(b, 0)
	v := &volume{db: db}
	town := &directory.Area{Level: directory.Town, Code: "442000113", Name: "town"}
	if err := db.Write(ctx, store.System, func(tx *store.Tx) error { return tx.CreateArea(ctx, town) }); err != nil {
		b.Fatal(err)
	}
	v.town = town
	now := time.Now().UnixMilli()
	// grids directly below the town (bench only: no audit for bulk rows)
	insertMany(b, db, `INSERT INTO areas (id, parent_id, level, code, name, path, props, created_at, updated_at) VALUES `, benchGrids, func(i int) string {
		id := 1000 + i
		return fmt.Sprintf(`(%d, %d, 'grid', 'g%d', 'g', '%s%d/', '{}', %d, %d)`, id, town.ID, i, town.Path, id, now, now)
	})
	for i := 0; i < benchGrids; i++ {
		v.gids = append(v.gids, int64(1000+i))
		v.grids = append(v.grids, fmt.Sprintf("%s%d/", town.Path, 1000+i))
	}
	t0 := time.Now()
	insertMany(b, db, `INSERT INTO workorders (kind, flow, flow_version, category, source, title, area_id, area_path, state, stage, is_open, seq, case_json, period, light, created_at, updated_at) VALUES `, n, func(i int) string {
		g := i % benchGrids
		state, stage, open := "closed", "closed", "FALSE"
		switch i % 100 {
		case 0:
			state, stage, open = "pending_dispatch", "dispatch", "TRUE"
		case 1, 2:
			state, stage, open = "disposing", "dispose", "TRUE"
		}
		return fmt.Sprintf(`('citycase', 'citycase', 1, 'E0102', 'grid_worker', 't', %d, '%s', '%s', '%s', %s, 3, '{}', '2025-10', 'green', %d, %d)`, v.gids[g], v.grids[g], state, stage, open, now, now)
	})
	b.Logf("generated %d work orders in %v", n, time.Since(t0))
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
				ws, err := v.db.ListWorkOrders(ctx, f)
				if err != nil || len(ws) == 0 {
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

// The timer sweep's claim over one pending timer per open work order
// (fire_at spread over 30 days, 1,000 due): time to find and lock the due
// rows, rolled back so every iteration sees the same table.
func BenchmarkVolumeTimerClaim(b *testing.B) {
	n := benchRows()
	v := newVolume(b, 1000)
	_ = v
	now := time.Now().UnixMilli()
	insertMany(b, v.db, `INSERT INTO workorder_timers (workorder_id, kind, timer, state, fire_at) VALUES `, n, func(i int) string {
		at := now + int64(i%(n-1000+1))*int64(30*24*3600*1000/n) + 60_000
		if i < 1000 {
			at = now - int64(i)
		}
		return fmt.Sprintf(`(%d, 'red', 'clock', 'disposing', %d)`, 1+i%1000, at)
	})
	errRollback := errors.New("rollback")
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		err := v.db.Write(ctx, store.System, func(tx *store.Tx) error {
			rows, err := tx.DueTimers(ctx, now, 1000)
			if err != nil {
				return err
			}
			if len(rows) != 1000 {
				return fmt.Errorf("claimed %d", len(rows))
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

// Indicators of the whole town for a month with 环比/同比 from the counter
// cells: 24 months × cellsPerMonth cells, independent of the work-order count.
func BenchmarkVolumeIndicators(b *testing.B) {
	v := newVolume(b, 1000)
	const months, cats, sources = 24, 20, 4
	per := benchGrids * cats * sources / 8 // an eighth of the combinations see a case in a month
	insertMany(b, v.db, `INSERT INTO workorder_counters (period, area_path, category, source, reported, dispatched, disposed, disposed_on_time, closed, closed_on_time) VALUES `, months*per, func(i int) string {
		m, k := i/per, (i%per)*8+(i/per)%8
		g, c, s := k%benchGrids, (k/benchGrids)%cats, k/(benchGrids*cats)
		return fmt.Sprintf(`('%04d-%02d', '%s', 'E%04d', 's%d', 3, 3, 3, 2, 2, 2)`, 2024+m/12, 1+m%12, v.grids[g], 101+c, s)
	})
	t0 := time.Now()
	if err := v.db.RebuildCounterRollups(ctx); err != nil { // the cells above bypassed addCounters
		b.Fatal(err)
	}
	b.Logf("%d counter cells (%d per month), roll-ups built in %v", months*per, per, time.Since(t0))
	e := newEnvOn(b, v.db)
	for _, g := range []string{"", "category", "area"} {
		b.Run("group-"+g, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				rep, err := e.Indicators(ctx, v.town, "2025-06", g)
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
			rows, err := v.db.Query(ctx, sb.String(), "2025-06", "2025-05", "2024-06", v.town.Path, v.town.Path+"~")
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
