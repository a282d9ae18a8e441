package scoring

import (
	"math"
	"slices"
)

// adjValue is a bonus or deduction figure limited to [0, max]; missing counts 0.
func adjValue(v, max float64) float64 {
	if !(v > 0) {
		return 0
	}
	if max > 0 && v > max {
		return max
	}
	return v
}

func actuals(act []float64, fl []uint8, members []int32, num, den []float64, scale float64) {
	if den == nil {
		for p, i := range members {
			a := num[i] * scale
			act[p] = a
			if a != a {
				fl[p] = FlagMissing
			}
		}
		return
	}
	for p, i := range members {
		d := den[i]
		a := num[i] / d * scale
		act[p] = a
		// NaN figures, and a zero or negative denominator (no land, no energy) mean
		// the indicator cannot be computed.
		if !(d > 0) || a != a {
			fl[p] = FlagMissing
			act[p] = math.NaN()
		}
	}
}

func benchmark(it *Item, act []float64, fl []uint8, members []int32, num, den []float64) float64 {
	switch it.Benchmark.Kind {
	case BenchGiven:
		return it.Benchmark.Value
	case BenchMean:
		var s float64
		var c int
		for p, a := range act {
			if fl[p] == 0 {
				s += a
				c++
			}
		}
		return s / float64(c)
	case BenchPooled:
		var sn, sd float64
		for p, i := range members {
			if fl[p] == 0 {
				sn += num[i]
				sd += den[i]
			}
		}
		return sn / sd * it.scale()
	case BenchMedian, BenchPercentil:
		v := make([]float64, 0, len(act))
		for p, a := range act {
			if fl[p] == 0 {
				v = append(v, a)
			}
		}
		p := it.Benchmark.P
		if it.Benchmark.Kind == BenchMedian {
			p = 50
		}
		return percentile(v, p)
	}
	return math.NaN()
}

// percentile uses linear interpolation between closest ranks (numpy's and pandas'
// default), so that a spreadsheet or pandas check gives the same benchmark.
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	h := p / 100 * float64(len(v)-1)
	lo := int(h)
	if lo >= len(v)-1 {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

func scoreItem(it *Item, b float64, act []float64, fl []uint8, sc []float64) {
	w, floor, cp := it.Weight, it.floor(), it.capScore()
	mode := it.Mode
	if mode != ModeSteps && (b == 0 || b != b || math.IsInf(b, 0)) {
		// No usable benchmark (an empty group): nobody earns points on this item.
		return
	}
	for p, a := range act {
		if fl[p]&FlagMissing != 0 {
			continue
		}
		var v float64
		switch mode {
		case "", ModeLinear:
			v = a / b * w
		case ModeComplement:
			v = (1 - a/b) * w
		case ModeAtLeast:
			if a >= b {
				v = w
			}
		case ModeAtMost:
			if a <= b {
				v = w
			}
		case ModeSteps:
			for _, st := range it.Steps {
				if a >= st.Min {
					v = st.Points
				}
			}
		}
		if v > cp {
			v = cp
			fl[p] |= FlagCapped
		} else if v < floor {
			v = floor
			fl[p] |= FlagFloored
		}
		sc[p] = v
	}
	if it.Missing != MissingMean {
		return
	}
	var s float64
	var c int
	for p := range sc {
		if fl[p]&FlagMissing == 0 {
			s += sc[p]
			c++
		}
	}
	mean := 0.0
	if c > 0 {
		mean = s / float64(c)
	}
	for p := range sc {
		if fl[p]&FlagMissing != 0 {
			sc[p] = mean
			fl[p] |= FlagMeanRule
		}
	}
}

func classOf(cls []Class, by string, rank int32, m int, total float64) int16 {
	last := int16(len(cls) - 1)
	if by == ClassByScore {
		for k := int16(0); k < last; k++ {
			if total >= cls[k].MinScore {
				return k
			}
		}
		return last
	}
	// rank/m ≤ top/100, in integers where possible so that 25 % of 100 is exactly rank 25.
	for k := range cls {
		if float64(rank)*100 <= cls[k].TopPct*float64(m)+1e-9 {
			return int16(k)
		}
	}
	return last
}
