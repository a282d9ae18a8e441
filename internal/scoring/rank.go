package scoring

import (
	"math"
	"slices"
)

// rankOrder returns the positions of total sorted by total descending, equal totals
// in position (input) order, so that rank and class never depend on sort internals.
// Large groups use an LSD radix sort on order-preserving float keys (O(n), stable);
// a comparison sort of a million entries costs several times more.
func rankOrder(total []float64) []int32 {
	m := len(total)
	order := make([]int32, m)
	for p := range order {
		order[p] = int32(p)
	}
	if m < 2048 {
		slices.SortStableFunc(order, func(a, b int32) int {
			ka, kb := descKey(total[a]), descKey(total[b])
			switch {
			case ka < kb:
				return -1
			case ka > kb:
				return 1
			}
			return 0
		})
		return order
	}
	keys := make([]uint64, m)
	for p, t := range total {
		keys[p] = descKey(t)
	}
	return radixSort(keys, order)
}

// descKey maps a float to a uint64 whose ascending order is the float's descending
// order; NaN sorts last, and −0 equals +0.
func descKey(x float64) uint64 {
	if x != x {
		return math.MaxUint64
	}
	if x == 0 {
		x = 0
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		b = ^b
	} else {
		b |= 1 << 63
	}
	return ^b
}

// radixSort sorts keys ascending, carrying vals, stably, 16 bits per pass; a pass
// whose digit is the same for every key (the sign and exponent of similar scores)
// is skipped. It returns the sorted vals, which may be a scratch slice.
func radixSort(keys []uint64, vals []int32) []int32 {
	m := len(keys)
	k2, v2 := make([]uint64, m), make([]int32, m)
	var count [1 << 16]int
	for shift := uint(0); shift < 64; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xffff]++
		}
		if count[(keys[0]>>shift)&0xffff] == m {
			continue
		}
		sum := 0
		for d := range count {
			c := count[d]
			count[d] = sum
			sum += c
		}
		for j, k := range keys {
			d := (k >> shift) & 0xffff
			at := count[d]
			count[d]++
			k2[at], v2[at] = k, vals[j]
		}
		keys, k2 = k2, keys
		vals, v2 = v2, vals
	}
	return vals
}
