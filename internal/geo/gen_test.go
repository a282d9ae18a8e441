package geo

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// genGrids tiles a city-sized region with about n irregular grid polygons of
// ~200 m, deterministically. Corners of a lattice are jittered (so cells are
// irregular quadrilaterals) and every side is a wiggly polyline with 1–7 inner
// vertices, so polygons have 8–32 vertices. Neighbours share the very same side
// coordinates, as real grids that tile a town do.
func genGrids(n int, seed uint64) (items []Item, bound orb.Bound) {
	side := int(math.Ceil(math.Sqrt(float64(n))))
	rows, cols := side, (n+side-1)/side
	const lon0, lat0 = 120.0, 30.0
	dLat := 200.0 / 111320.0
	dLon := 200.0 / (111320.0 * math.Cos(lat0*math.Pi/180))
	rng := rand.New(rand.NewPCG(seed, 42))
	corner := make([][]orb.Point, rows+1)
	for i := range corner {
		corner[i] = make([]orb.Point, cols+1)
		for j := range corner[i] {
			jx, jy := 0.0, 0.0
			if i > 0 && i < rows && j > 0 && j < cols { // keep the outline straight
				jx, jy = (rng.Float64()-0.5)*0.4*dLon, (rng.Float64()-0.5)*0.4*dLat
			}
			corner[i][j] = orb.Point{lon0 + float64(j)*dLon + jx, lat0 + float64(i)*dLat + jy}
		}
	}
	wiggle := func(a, b orb.Point, outer bool) []orb.Point { // inner points from a to b
		k := 1 + rng.IntN(7)
		nx, ny := -(b[1] - a[1]), b[0]-a[0] // normal
		amp := 0.06 * rng.Float64()
		if outer {
			amp = 0
		}
		pts := make([]orb.Point, k)
		for s := range k {
			t := float64(s+1) / float64(k+1)
			o := amp * math.Sin(math.Pi*t) * (rng.Float64()*2 - 1)
			pts[s] = orb.Point{a[0] + t*(b[0]-a[0]) + o*nx, a[1] + t*(b[1]-a[1]) + o*ny}
		}
		return pts
	}
	// h[i][j]: side from corner[i][j] to corner[i][j+1]; v[i][j]: corner[i][j] to corner[i+1][j].
	h := make([][][]orb.Point, rows+1)
	for i := range h {
		h[i] = make([][]orb.Point, cols)
		for j := range h[i] {
			h[i][j] = wiggle(corner[i][j], corner[i][j+1], i == 0 || i == rows)
		}
	}
	v := make([][][]orb.Point, rows)
	for i := range v {
		v[i] = make([][]orb.Point, cols+1)
		for j := range v[i] {
			v[i][j] = wiggle(corner[i][j], corner[i+1][j], j == 0 || j == cols)
		}
	}
	for i := range rows {
		for j := range cols {
			if len(items) == n {
				break
			}
			// Counter-clockwise: bottom side, right side, top side reversed, left side reversed.
			r := orb.Ring{corner[i][j]}
			r = append(r, h[i][j]...)
			r = append(r, corner[i][j+1])
			r = append(r, v[i][j+1]...)
			r = append(r, corner[i+1][j+1])
			r = append(r, reversed(h[i+1][j])...)
			r = append(r, corner[i+1][j])
			r = append(r, reversed(v[i][j])...)
			r = append(r, corner[i][j])
			items = append(items, Item{ID: int64(i*cols + j + 1), Geom: orb.MultiPolygon{{r}}})
		}
	}
	bound = orb.Bound{Min: corner[0][0], Max: corner[rows][cols]}
	return items, bound
}

func reversed(p []orb.Point) []orb.Point {
	out := make([]orb.Point, len(p))
	for i := range p {
		out[len(p)-1-i] = p[i]
	}
	return out
}

// randomPoints returns n points uniformly inside b.
func randomPoints(n int, b orb.Bound, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 9))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	return pts
}
