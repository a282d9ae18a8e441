package scoring

import "math"

// Synthetic returns n deterministic enterprises with the per-mu figures, for
// benchmarks, demos and the pandas comparison (bench/gen_mu_csv). Mix: 35 % 规上,
// 55 % 规下, 5 % tenants without land, 5 % exempt kinds; one 规上 in ten reports no
// emissions; a few pay negative tax.
func Synthetic(n int, seed uint64) *Input {
	in := NewInput(n)
	x := seed | 1
	next := func() float64 { // xorshift64*: fast, reproducible across platforms
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		return float64((x*2685821657736338717)>>11) / (1 << 53)
	}
	scale, kind, unit := in.Cat("scale"), in.Cat("kind"), in.Cat("unit")
	units := []string{"北城街道", "南城街道", "东城街道", "西城街道", "新前街道", "江口街道", "高桥街道", "澄江街道"}
	f := func(id string) []float64 { return in.Figure(id) }
	tax, land, sales, va, tce := f("tax"), f("land_mu"), f("sales_revenue"), f("value_added"), f("energy_tce")
	kwh, water, em, emp, rd, rev := f("electricity_kwh"), f("water_t"), f("emissions_t"), f("employees"), f("rd"), f("main_revenue")
	for i := 0; i < n; i++ {
		in.ID[i] = synthID(i)
		unit.Set(i, units[i%len(units)])
		r := next()
		above := r < 0.35
		if above {
			scale.Set(i, ScaleAbove)
		} else {
			scale.Set(i, ScaleBelow)
		}
		switch {
		case r > 0.95:
			kind.Set(i, "初创期")
		case r > 0.90:
			// tenant: land stays NaN
		default:
			land[i] = math.Round((1+next()*next()*80)*100) / 100
		}
		size := 50 + next()*next()*5000 // 万元 of sales
		if above {
			size += 2000
		}
		sales[i] = math.Round(size*100) / 100
		rev[i] = math.Round(size*0.95*100) / 100
		tax[i] = math.Round((size*(0.01+next()*0.06)-2*next()*next())*100) / 100
		va[i] = math.Round(size*(0.15+next()*0.2)*100) / 100
		tce[i] = math.Round((1+size*next()*0.3)*100) / 100
		kwh[i] = math.Round(size * 400 / (0.08 + next()*0.5)) // ≈ 0.1–0.6 元 of tax per kWh
		water[i] = math.Round(10 + size*next()*2)
		emp[i] = math.Round(3 + size*next()*0.05)
		rd[i] = math.Round(size*next()*0.05*100) / 100
		if !above || next() >= 0.1 {
			em[i] = math.Round((0.01+next()*size*0.0002)*1000) / 1000
		}
	}
	return in
}

func synthID(i int) string {
	const digits = "0123456789"
	b := []byte("E0000000")
	for k := len(b) - 1; k > 0 && i > 0; k-- {
		b[k] = digits[i%10]
		i /= 10
	}
	return string(b)
}
