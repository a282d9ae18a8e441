package demo

import (
	"fmt"
	"math"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/evaluation"
	"towngrid/internal/permu"
	"towngrid/internal/store"
)

// EvaluationScheme is the per-mu scheme the demo runs (黄岩 2022 benchmarks).
const EvaluationScheme = "huangyan-2022"

// Benchmarks of huangyan-2022 the figures are drawn around (亩均税收 万元/亩,
// 亩均增加值, 单位能耗增加值 万元/吨标煤, 单位排放增加值 万元/吨, 全员劳动生产率
// 万元/人, R&D 占比, 单位用电税收 元/kWh). They shape plausible figures only;
// the scores come from the stored scheme.
const (
	benchTaxAbove, benchTaxBelow = 24.097, 11.5932
	benchVAPerMu, benchVAPerTCE  = 136.16, 2.694
	benchVAPerEmission           = 4929.81
	benchLabour, benchRD         = 18.14, 0.0302
	benchTaxPerKWh               = 0.2352
)

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// evaluation reports two years of annual statistics (统计监测) for the
// enterprises of the main town — strong and weak ones, a tenth of the 规上
// without emissions, a few not reporting at all — accepts most, and runs the
// evaluation of each year, so /evaluation shows rankings and an enterprise
// account sees its class and last year's.
func (l *life) evaluation() error {
	w, p := l.w, l.w.p
	ctx, db := w.ctx, w.db
	if err := evaluation.Seed(ctx, db); err != nil {
		return err
	}
	town, err := db.Area(ctx, w.ids[p.mainTown])
	if err != nil {
		return err
	}
	year := time.UnixMilli(db.Now()).In(calendar.Location()).Year()
	pop, err := db.EvaluationPopulation(ctx, town.Path, year-2)
	if err != nil {
		return err
	}
	r := rng(p.opt.Seed, "evaluation "+town.Code)
	strength := make([]float64, len(pop)) // per-mu strength, kept across years
	for i := range pop {
		strength[i] = math.Exp(r.NormFloat64() * 0.5)
	}
	reports := 0
	for y := year - 2; y < year; y++ {
		err := db.Write(ctx, Actor, func(tx *store.Tx) error {
			for i, m := range pop {
				if r.IntN(25) == 0 { // 应统尽统 is never complete
					continue
				}
				strength[i] *= math.Exp(0.05 + r.NormFloat64()*0.12)
				rep := &store.StatsReport{EnterpriseID: m.EnterpriseID, Period: fmt.Sprint(y), Status: permu.Submitted,
					Figures: figures(m, strength[i], r.Float64, r.IntN(10) == 0)}
				if err := tx.PutStats(ctx, rep); err != nil {
					return fmt.Errorf("demo: stats of %s %d: %w", m.Name, y, err)
				}
				reports++
				if y < year-1 || r.IntN(5) > 0 {
					if _, err := tx.ReviewStats(ctx, m.EnterpriseID, rep.Period, "accept", ""); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, _, err := evaluation.Run(ctx, db, Actor, evaluation.Request{Scheme: EvaluationScheme, Year: y, AreaID: town.ID}, town); err != nil {
			return fmt.Errorf("demo: evaluation %d: %w", y, err)
		}
		l.counts["evaluation_runs"]++
	}
	l.counts["stats_reports"] = reports
	return nil
}

// figures draws one year's figures of an enterprise around the benchmarks,
// scaled by its land and strength q (1 = at the benchmark).
func figures(m store.EvalMember, q float64, u func() float64, noEmissions bool) map[string]float64 {
	land := m.LandMu
	if land <= 0 {
		land = 1
	}
	jit := func() float64 { return 0.75 + u()*0.5 }
	bench := benchTaxBelow
	if m.AboveScale {
		bench = benchTaxAbove
	}
	tax := land * bench * q * jit()
	va := land * benchVAPerMu * q * jit()
	if !m.AboveScale {
		va *= 0.5
	}
	sales := va / (0.2 + u()*0.1)
	f := map[string]float64{
		"tax": round2(tax), "value_added": round2(va), "sales_revenue": round2(sales), "main_revenue": round2(sales * 0.95),
		"energy_tce":      round2(va / (benchVAPerTCE * q * jit())),
		"electricity_kwh": math.Round(tax * 1e4 / (benchTaxPerKWh * q * jit())),
		"water_t":         math.Round(va * (3 + u()*5)),
		"employees":       math.Max(3, math.Round(va/(benchLabour*math.Sqrt(q)*jit()))),
		"rd":              round2(sales * 0.95 * benchRD * q * jit()),
	}
	if !(m.AboveScale && noEmissions) {
		f["emissions_t"] = math.Round(va/(benchVAPerEmission*q*jit())*1000) / 1000
	}
	return f
}
