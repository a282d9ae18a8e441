package evaluation_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"towngrid/internal/directory"
	"towngrid/internal/evaluation"
	"towngrid/internal/scoring"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// BenchmarkStoredRun times a whole stored run over N enterprises on SQLite
// (TOWNGRID_BENCH_N, default 100,000): load the register and the annual
// figures from the database, score with the engine, build the cards and
// aggregates, store the results. The pure engine's share is reported beside
// it (score_ms). Figures come from scoring.Synthetic, the engine benchmark's data.
//
//	go test -run XXX -bench StoredRun -benchtime 1x ./internal/evaluation/
func BenchmarkStoredRun(b *testing.B) {
	n := 100000
	if s := os.Getenv("TOWNGRID_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	db := storetest.SQLite(b, 0)
	if err := evaluation.Seed(ctx, db); err != nil {
		b.Fatal(err)
	}
	town := &directory.Area{Level: directory.Town, Code: "331003101", Name: "北城街道"}
	if err := db.Write(ctx, sys, func(tx *store.Tx) error { return tx.CreateArea(ctx, town) }); err != nil {
		b.Fatal(err)
	}
	in := scoring.Synthetic(n, 42)
	scale, kind, unit := in.Cats["scale"], in.Cats["kind"], in.Cats["unit"]
	// Bulk fixture: plain multi-row INSERTs, one audit row for the whole load.
	err := db.Write(ctx, sys, func(tx *store.Tx) error {
		const per = 500
		for start := 0; start < n; start += per {
			end := min(start+per, n)
			var q, qs strings.Builder
			q.WriteString(`INSERT INTO enterprises (uscc, name, above_scale, land_mu_e4, park, area_id, status, created_at, updated_at) VALUES `)
			qs.WriteString(`INSERT INTO enterprise_stats (enterprise_id, period, year, month, figures, status, reported_at) VALUES `)
			var args, sargs []any
			for i := start; i < end; i++ {
				if i > start {
					q.WriteString(", ")
					qs.WriteString(", ")
				}
				q.WriteString(`(?, ?, ?, ?, ?, ?, ?, 0, 0)`)
				status := "active"
				switch kind.Get(i) {
				case "初创期":
					status = "start_up"
				}
				land := in.Figures["land_mu"][i]
				mu := int64(0)
				if !math.IsNaN(land) {
					mu = int64(land * 1e4)
				}
				args = append(args, USCC(i+1), "企业"+strconv.Itoa(i), scale.Get(i) == scoring.ScaleAbove, mu, unit.Get(i), town.ID, status)
				figs := map[string]float64{}
				for id, col := range in.Figures {
					if id != "land_mu" && !math.IsNaN(col[i]) {
						figs[id] = col[i]
					}
				}
				fb, _ := json.Marshal(figs)
				qs.WriteString(`(?, '2024', 2024, 0, ?, 'submitted', 0)`)
				sargs = append(sargs, int64(i+1), string(fb))
			}
			if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, qs.String(), sargs...); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.Change{Action: "bench.seed", Object: "enterprise", ObjectID: 0, Detail: fmt.Sprint(n, " synthetic enterprises")})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var tm *evaluation.Timing
	for b.Loop() {
		var run *store.EvalRun
		run, tm, err = evaluation.Run(ctx, db, sys, evaluation.Request{Scheme: "huangyan-2022", Year: 2024, AreaID: town.ID}, town)
		if err != nil {
			b.Fatal(err)
		}
		if run.N != n {
			b.Fatalf("run of %d", run.N)
		}
	}
	b.ReportMetric(tm.LoadMS, "load_ms")
	b.ReportMetric(tm.ScoreMS, "score_ms")
	b.ReportMetric(tm.CardsMS, "cards_ms")
	b.ReportMetric(tm.StoreMS, "store_ms")
}
