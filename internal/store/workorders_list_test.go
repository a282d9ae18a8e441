package store_test

import (
	"slices"
	"sort"
	"testing"

	"towngrid/internal/directory"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// ListWorkOrders walks one index range per leading value (is_open true and
// false for queue=all, one per stage of a multi-stage queue) and merges them:
// pages must come out in (area_path, id) order with nothing lost or repeated
// across cursors, whatever the scopes.
func TestListWorkOrdersMergedOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		town := mkArea(t, db, 0, directory.Town, "442000113", "古镇镇")
		c1 := mkArea(t, db, town.ID, directory.Community, "442000113001", "一村")
		c2 := mkArea(t, db, town.ID, directory.Community, "442000113002", "二村")
		grids := []*directory.Area{
			mkArea(t, db, c1.ID, directory.Grid, "44200011300101", "一村1"),
			mkArea(t, db, c1.ID, directory.Grid, "44200011300102", "一村2"),
			mkArea(t, db, c2.ID, directory.Grid, "44200011300201", "二村1"),
		}
		type row struct {
			id    int64
			path  string
			stage string
			open  bool
			cat   string
		}
		stages := []string{"dispatch", "closed", "dispose", "closed", "check", "void", "intake"}
		var rows []row
		err := db.Write(ctx, admin, func(tx *store.Tx) error {
			for i := 0; i < 90; i++ {
				g := grids[(i*7)%len(grids)]
				st := stages[i%len(stages)]
				open := st != "closed" && st != "void"
				cat := "C0101"
				if i%11 == 0 {
					cat = "E0102" // rare: a filtered page must look past many rows
				}
				if _, err := tx.Exec(ctx, `INSERT INTO workorders (kind, flow, flow_version, category, source, title, area_id, area_path, state, stage, is_open, seq, case_json, period, created_at, updated_at)
					VALUES ('citycase', 'citycase', 1, ?, 'grid_worker', 't', ?, ?, ?, ?, ?, 1, '{}', '2026-01', 1, 1)`, cat, g.ID, g.Path, st, st, open); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.ListWorkOrders(ctx, store.WorkOrderFilter{Unscoped: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range all {
			rows = append(rows, row{w.ID, w.AreaPath, w.Stage, w.Open, w.Category})
		}
		if len(rows) != 90 {
			t.Fatalf("unscoped queue=all: %d rows, want 90", len(rows))
		}
		for _, c := range []struct {
			name string
			f    store.WorkOrderFilter
			keep func(r row) bool
		}{
			{"all-town", store.WorkOrderFilter{Scopes: []string{town.Path}}, func(row) bool { return true }},
			{"all-two-scopes", store.WorkOrderFilter{Scopes: []string{c2.Path, c1.Path}}, func(row) bool { return true }},
			{"all-one-grid", store.WorkOrderFilter{Scopes: []string{town.Path}, AreaPath: grids[1].Path}, func(r row) bool { return r.path == grids[1].Path }},
			{"two-stages", store.WorkOrderFilter{Scopes: []string{town.Path}, Stages: []string{"dispose", "dispatch"}}, func(r row) bool { return r.stage == "dispose" || r.stage == "dispatch" }},
			{"open", store.WorkOrderFilter{Scopes: []string{c1.Path, c2.Path}, OpenOnly: true}, func(r row) bool { return r.open }},
			// With a window a filtered page examines at most Window index
			// entries per range and may stop short (partial, resumed from
			// where it stopped): the pages together are still the exact list.
			{"window-open-rare-category", store.WorkOrderFilter{Scopes: []string{town.Path}, OpenOnly: true, Category: "E0102", Window: 5},
				func(r row) bool { return r.open && r.cat == "E0102" }},
			{"window-all-two-scopes", store.WorkOrderFilter{Scopes: []string{c2.Path, c1.Path}, Category: "E0102", Window: 3},
				func(r row) bool { return r.cat == "E0102" }},
			{"window-two-stages", store.WorkOrderFilter{Scopes: []string{town.Path}, Stages: []string{"dispose", "dispatch"}, Category: "C0101", Window: 4},
				func(r row) bool { return (r.stage == "dispose" || r.stage == "dispatch") && r.cat == "C0101" }},
		} {
			var want []int64
			exp := slices.Clone(rows)
			sort.Slice(exp, func(i, j int) bool {
				if exp[i].path != exp[j].path {
					return exp[i].path < exp[j].path
				}
				return exp[i].id < exp[j].id
			})
			for _, r := range exp {
				if c.keep(r) {
					want = append(want, r.id)
				}
			}
			for _, limit := range []int{1, 4, 7, 100} {
				var got []int64
				f := c.f
				f.Limit = limit
				partial := 0
				for page := 0; page < 200; page++ {
					ws, scannedTo, err := db.ListWorkOrdersPage(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, w := range ws {
						got = append(got, w.ID)
					}
					if scannedTo > 0 {
						if len(ws) >= limit {
							t.Fatalf("%s: a full page of %d marked partial", c.name, len(ws))
						}
						partial++
						f.After = scannedTo
						continue
					}
					if len(ws) < limit {
						break
					}
					f.After = ws[len(ws)-1].ID
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s, pages of %d: got %v\nwant %v", c.name, limit, got, want)
				}
				if c.f.Window > 0 && limit == 100 && partial == 0 {
					t.Errorf("%s: no page stopped at its window of %d", c.name, c.f.Window)
				}
			}
		}
	})
}
