package workorders_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workflow/indicators"
)

// The roll-up cells answer what summing the grid cells answers, for the
// town, a community and per child area, also when some requests of a
// group-committed batch fail (their counters, serials and audit rows go
// with them), and after a rebuild from the grid cells.
func TestCounterRollupsMatchCells(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		paths := []string{"/1/2/4/", "/1/2/5/", "/1/3/6/", "/1/3/", "/9/10/"} // two communities, a case filed at a community, another town
		b := store.NewBatcher(db, 64, 2*time.Millisecond, 0)
		defer b.Close()
		var wg sync.WaitGroup
		errs := make([]error, 40)
		serials := make([]int, 40)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = b.Write(ctx, store.System, func(tx *store.Tx) error {
					f := indicators.Facts{Closed: i%2 == 0, ClosedOnTime: i%4 == 0, Dispatched: true, Public: i%3 == 0}
					k := store.CounterKey{Period: "2025-06", AreaPath: paths[i%len(paths)], Category: fmt.Sprintf("E010%d", i%3), Source: "hotline"}
					if err := tx.AddCounterFacts(ctx, k, []indicators.Facts{f}); err != nil {
						return err
					}
					n, err := tx.NextCaseSerial(ctx, "20250601")
					if err != nil {
						return err
					}
					serials[i] = n
					if i%7 == 3 {
						return errors.New("boom") // after counting, numbering and auditing
					}
					return nil
				})
			}()
		}
		wg.Wait()
		ok := 0
		seen := map[int]bool{}
		for i, err := range errs {
			if (i%7 == 3) != (err != nil) {
				t.Fatalf("request %d: %v", i, err)
			}
			if err == nil {
				ok++
				seen[serials[i]] = true
			}
		}
		for n := 1; n <= ok; n++ { // gapless: failed requests gave their serial back
			if !seen[n] {
				t.Errorf("serial %d not handed out (%v)", n, seen)
			}
		}
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK {
			t.Errorf("audit %+v %v", res, err)
		}
		check := func(when string) {
			for _, area := range []string{"/1/", "/1/2/", "/1/3/", "/1/2/4/", "/9/"} {
				cells, err := db.CounterCells(ctx, []string{"2025-06"}, area)
				if err != nil {
					t.Fatal(err)
				}
				var want indicators.Counters
				wantBy := map[string]indicators.Counters{}
				for _, c := range cells {
					want.Merge(c.Counters)
					cat := wantBy[c.Key.Category]
					cat.Merge(c.Counters)
					wantBy[c.Key.Category] = cat
				}
				if want.Dispatched == 0 {
					t.Fatalf("%s: no cells below %s", when, area)
				}
				for _, by := range []string{"", "category", "source", "area_path"} {
					sums, err := db.CounterSums(ctx, []string{"2025-06"}, area, by)
					if err != nil {
						t.Fatal(err)
					}
					var got indicators.Counters
					for _, s := range sums {
						got.Merge(s.Counters)
						if by == "category" && fmt.Sprint(s.Counters) != fmt.Sprint(wantBy[s.Key.Category]) {
							t.Errorf("%s %s %s: %+v want %+v", when, area, s.Key.Category, s.Counters, wantBy[s.Key.Category])
						}
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s %s by %q: %+v want %+v", when, area, by, got, want)
					}
				}
			}
			// Per child of the town: both communities, each with its own total.
			sums, _ := db.CounterSums(ctx, []string{"2025-06"}, "/1/", "area_path")
			per := map[string]int{}
			for _, s := range sums {
				per[s.Key.AreaPath] += s.Counters.Dispatched
			}
			if len(per) != 2 || per["/1/2/"] == 0 || per["/1/3/"] == 0 {
				t.Errorf("%s: children %v", when, per)
			}
		}
		check("batched")
		if err := db.RebuildCounterRollups(ctx); err != nil {
			t.Fatal(err)
		}
		check("rebuilt")
		if err := db.EnsureCounterRollups(ctx); err != nil { // built: a no-op
			t.Fatal(err)
		}
		check("ensured")
	})
}
