package demo

import (
	"encoding/json"
	"math"
	"math/rand/v2"
)

// A town is drawn as one structured lattice of points over its bounding box.
// Community blocks are rectangles of lattice cells and unit grids are single
// cells, so every edge two areas share is the very same list of points in
// both (no T-junctions, no slivers), and grids tile their community exactly.
//
// Each inner point moves by less than a fifth of the narrowest neighbouring
// cell in each axis: an edge then stays inside its own band of the lattice,
// so no two edges cross and no cell folds over — the polygons stay simple and
// non-overlapping while no longer looking ruled.

type pt [2]float64 // lon, lat

type lattice struct {
	nx, ny int
	p      [][]pt // p[ix][iy], ix west→east, iy south→north
}

// newLattice builds the points for columns xs (lon lines) and rows ys (lat lines).
func newLattice(r *rand.Rand, xs, ys []float64) *lattice {
	nx, ny := len(xs)-1, len(ys)-1
	l := &lattice{nx: nx, ny: ny, p: make([][]pt, nx+1)}
	span := func(v []float64, i int) float64 { // narrowest neighbouring spacing
		s := math.Inf(1)
		if i > 0 {
			s = v[i] - v[i-1]
		}
		if i < len(v)-1 {
			s = min(s, v[i+1]-v[i])
		}
		return s
	}
	const jitter = 0.18
	for ix := 0; ix <= nx; ix++ {
		l.p[ix] = make([]pt, ny+1)
		for iy := 0; iy <= ny; iy++ {
			x, y := xs[ix], ys[iy]
			// Points on the town's edge move only along that edge, so the town
			// stays a box and neighbouring towns still meet along a line.
			if ix > 0 && ix < nx {
				x += (r.Float64()*2 - 1) * jitter * span(xs, ix)
			}
			if iy > 0 && iy < ny {
				y += (r.Float64()*2 - 1) * jitter * span(ys, iy)
			}
			l.p[ix][iy] = pt{round6(x), round6(y)}
		}
	}
	return l
}

// round6 keeps 6 decimals (about 0.1 m), as much as a map needs.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// ring returns the closed, counter-clockwise outer ring of the block of cells
// [x0,x1)×[y0,y1), through every lattice point on its edge.
func (l *lattice) ring(x0, y0, x1, y1 int) []pt {
	var out []pt
	for ix := x0; ix < x1; ix++ { // south edge, west→east
		out = append(out, l.p[ix][y0])
	}
	for iy := y0; iy < y1; iy++ { // east edge, south→north
		out = append(out, l.p[x1][iy])
	}
	for ix := x1; ix > x0; ix-- { // north edge, east→west
		out = append(out, l.p[ix][y1])
	}
	for iy := y1; iy > y0; iy-- { // west edge, north→south
		out = append(out, l.p[x0][iy])
	}
	return append(out, out[0])
}

// polygonJSON encodes an RFC 7946 Polygon with one outer ring.
func polygonJSON(ring []pt) json.RawMessage {
	b, _ := json.Marshal(struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}{"Polygon", [][][2]float64{toArrays(ring)}})
	return b
}

func toArrays(ring []pt) [][2]float64 {
	out := make([][2]float64, len(ring))
	for i, p := range ring {
		out[i] = p
	}
	return out
}

// cuts splits [lo,hi] into parts whose widths are weights (normalised),
// returning the len(weights)+1 boundaries.
func cuts(lo, hi float64, weights []float64) []float64 {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	out := []float64{lo}
	acc := 0.0
	for _, w := range weights {
		acc += w
		out = append(out, lo+(hi-lo)*acc/sum)
	}
	out[len(out)-1] = hi
	return out
}

// subdivide splits each part [b[i],b[i+1]] into n[i] equal cells and returns
// all the lines, plus the index of each part's first line.
func subdivide(b []float64, n []int) (lines []float64, start []int) {
	for i := 0; i+1 < len(b); i++ {
		start = append(start, len(lines))
		for k := 0; k < n[i]; k++ {
			lines = append(lines, b[i]+(b[i+1]-b[i])*float64(k)/float64(n[i]))
		}
	}
	start = append(start, len(lines))
	return append(lines, b[len(b)-1]), start
}
