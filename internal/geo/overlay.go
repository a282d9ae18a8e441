package geo

import (
	"math"
	"slices"
)

func orient(ax, ay, bx, by, cx, cy float64) float64 {
	return (bx-ax)*(cy-ay) - (by-ay)*(cx-ax)
}

// segHit classifies how two segments meet.
type segHit int

const (
	hitNone    segHit = iota
	hitTouch          // share a point but do not cross (an endpoint on the other)
	hitCross          // proper crossing
	hitOverlap        // collinear with a common stretch of positive length
)

func intersect(e, f edge) segHit {
	d1 := orient(f.ax, f.ay, f.bx, f.by, e.ax, e.ay)
	d2 := orient(f.ax, f.ay, f.bx, f.by, e.bx, e.by)
	d3 := orient(e.ax, e.ay, e.bx, e.by, f.ax, f.ay)
	d4 := orient(e.ax, e.ay, e.bx, e.by, f.bx, f.by)
	if d1 == 0 && d2 == 0 { // collinear
		s0, s1 := proj(e, f.ax, f.ay), proj(e, f.bx, f.by)
		lo, hi := max(0, min(s0, s1)), min(1, max(s0, s1))
		switch {
		case hi-lo > 1e-12:
			return hitOverlap
		case hi >= lo:
			return hitTouch
		}
		return hitNone
	}
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return hitCross
	}
	on := func(d float64, px, py float64, g edge) bool {
		return d == 0 && px >= min(g.ax, g.bx) && px <= max(g.ax, g.bx) && py >= min(g.ay, g.by) && py <= max(g.ay, g.by)
	}
	if on(d1, e.ax, e.ay, f) || on(d2, e.bx, e.by, f) || on(d3, f.ax, f.ay, e) || on(d4, f.bx, f.by, e) {
		return hitTouch
	}
	return hitNone
}

// proj is the parameter along e of the projection of (x, y).
func proj(e edge, x, y float64) float64 {
	dx, dy := e.bx-e.ax, e.by-e.ay
	l := dx*dx + dy*dy
	if l == 0 {
		return 0
	}
	return ((x-e.ax)*dx + (y-e.ay)*dy) / l
}

// intersectionArea returns area(A ∩ B) in m² by Green's theorem: the boundary of
// A ∩ B is made of the pieces of ∂A inside B, the pieces of ∂B inside A, and the
// pieces both share with the same direction (counted once). Shared pieces with
// opposite directions, the common edge of two neighbouring grids, add nothing.
// No polygon clipping library is needed, and it is exact for valid rings.
func intersectionArea(a, b *prepared) float64 {
	if a.maxX < b.minX || b.maxX < a.minX || a.maxY < b.minY || b.maxY < a.minY {
		return 0
	}
	s := boundaryInside(a, b, true) + boundaryInside(b, a, false)
	return math.Max(0, s/2)
}

// onEps is the distance in metres under which a point counts as on a boundary.
const onEps = 1e-6

func boundaryInside(a, b *prepared, countShared bool) float64 {
	sum := 0.0
	ts := make([]float64, 0, 8)
	for _, e := range a.edges {
		x0, y0, x1, y1 := e.bbox()
		if x1 < b.minX || x0 > b.maxX || y1 < b.minY || y0 > b.maxY {
			continue
		}
		ts = append(ts[:0], 0, 1)
		b.near(x0, y0, x1, y1, func(i int32) {
			f := b.edges[i]
			switch intersect(e, f) {
			case hitCross:
				d1 := orient(f.ax, f.ay, f.bx, f.by, e.ax, e.ay)
				d2 := orient(f.ax, f.ay, f.bx, f.by, e.bx, e.by)
				ts = append(ts, d1/(d1-d2))
			case hitTouch, hitOverlap:
				for _, t := range []float64{proj(e, f.ax, f.ay), proj(e, f.bx, f.by)} {
					if t > 0 && t < 1 {
						ts = append(ts, t)
					}
				}
			}
		})
		slices.Sort(ts)
		dx, dy := e.bx-e.ax, e.by-e.ay
		for k := 0; k+1 < len(ts); k++ {
			t0, t1 := ts[k], ts[k+1]
			if t1-t0 < 1e-12 {
				continue
			}
			px, py := e.ax+t0*dx, e.ay+t0*dy
			qx, qy := e.ax+t1*dx, e.ay+t1*dy
			mx, my := (px+qx)/2, (py+qy)/2
			switch b.onBoundary(mx, my, dx, dy) {
			case 1: // shared, same direction
				if countShared {
					sum += px*qy - qx*py
				}
				continue
			case -1: // shared, opposite direction
				continue
			}
			if b.contains(mx, my) {
				sum += px*qy - qx*py
			}
		}
	}
	return sum
}

// onBoundary returns 1 if (x, y) lies on an edge of p running in direction
// (dx, dy), -1 if on an edge running the other way, 0 if not on the boundary.
func (p *prepared) onBoundary(x, y, dx, dy float64) int {
	r := 0
	p.near(x-onEps, y-onEps, x+onEps, y+onEps, func(i int32) {
		f := p.edges[i]
		if r == 0 && segDist(x, y, f.ax, f.ay, f.bx, f.by) < onEps {
			if dx*(f.bx-f.ax)+dy*(f.by-f.ay) > 0 {
				r = 1
			} else {
				r = -1
			}
		}
	})
	return r
}

// selfIntersections reports the first few pairs of edges of p that meet where a
// valid polygon's rings may not: any contact between non-adjacent edges of one
// ring, a proper crossing or overlap between rings (rings may touch at a point).
func (p *prepared) selfIntersections(limit int) (pairs [][2]int32) {
	for i, e := range p.edges {
		x0, y0, x1, y1 := e.bbox()
		p.near(x0, y0, x1, y1, func(j int32) {
			if int(j) <= i || len(pairs) >= limit {
				return
			}
			h := intersect(e, p.edges[j])
			if h == hitNone {
				return
			}
			ri, rj := p.ring[i], p.ring[j]
			if ri != rj {
				if h != hitTouch {
					pairs = append(pairs, [2]int32{int32(i), j})
				}
				return
			}
			n, first := p.ringLen[ri], p.ringFirst[ri]
			a, b := int32(i)-first, j-first
			adjacent := b == a+1 || (a == 0 && b == n-1)
			if !adjacent || h == hitOverlap {
				pairs = append(pairs, [2]int32{int32(i), j})
			}
		})
		if len(pairs) >= limit {
			break
		}
	}
	return pairs
}
