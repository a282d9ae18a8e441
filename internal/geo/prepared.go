package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// A projection to local metres (equirectangular about lat0). At town and county
// scale its area error is well below 1 %, which is plenty for overlap and gap
// tolerances, and it maps shared lon/lat vertices to identical x/y, which the
// exact boundary tests rely on.
type projection struct{ lon0, lat0, kx, ky float64 }

func newProjection(b orb.Bound) projection {
	const r = 6371008.8
	c := b.Center()
	k := r * math.Pi / 180
	return projection{lon0: c[0], lat0: c[1], kx: k * math.Cos(c[1]*math.Pi/180), ky: k}
}

func (p projection) xy(pt orb.Point) (float64, float64) {
	return (pt[0] - p.lon0) * p.kx, (pt[1] - p.lat0) * p.ky
}

type edge struct{ ax, ay, bx, by float64 }

func (e edge) bbox() (x0, y0, x1, y1 float64) {
	return min(e.ax, e.bx), min(e.ay, e.by), max(e.ax, e.bx), max(e.ay, e.by)
}

// prepared is a projected multipolygon with shells counter-clockwise and holes
// clockwise (so that the boundary integral gives the area) and its edges bucketed
// by horizontal bands, so that point-in-polygon and "edges near a box" cost
// O(edges in a band) rather than O(all edges) on long county boundaries.
type prepared struct {
	edges          []edge
	ring           []int32 // ring number of each edge (for self-intersection)
	ringLen        []int32 // edges per ring
	ringFirst      []int32 // first edge of each ring
	minX, minY     float64
	maxX, maxY     float64
	bandH, invBand float64
	bandStart      []int32
	bandEdges      []int32
	area           float64
}

func prepare(mp orb.MultiPolygon, pr projection) *prepared {
	p := &prepared{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
	for _, poly := range mp {
		for ri, ring := range poly {
			// Drop repeated consecutive positions and the closing one.
			xs, ys := make([]float64, 0, len(ring)), make([]float64, 0, len(ring))
			for i, pt := range ring {
				if i > 0 && pt == ring[i-1] || i == len(ring)-1 && pt == ring[0] {
					continue
				}
				x, y := pr.xy(pt)
				xs, ys = append(xs, x), append(ys, y)
			}
			n := len(xs)
			if n < 3 {
				continue
			}
			s := 0.0
			for i := range n {
				j := (i + 1) % n
				s += xs[i]*ys[j] - xs[j]*ys[i]
			}
			// Shell (ri == 0) must be CCW (s > 0), holes CW.
			flip := (ri == 0) != (s > 0)
			p.ringFirst = append(p.ringFirst, int32(len(p.edges)))
			p.ringLen = append(p.ringLen, int32(n))
			r := int32(len(p.ringLen) - 1)
			for k := range n {
				i, j := k, (k+1)%n
				if flip {
					i, j = n-1-k, (2*n-2-k)%n
				}
				e := edge{xs[i], ys[i], xs[j], ys[j]}
				p.edges = append(p.edges, e)
				p.ring = append(p.ring, r)
				p.area += (e.ax*e.by - e.bx*e.ay) / 2
				p.minX, p.minY = min(p.minX, xs[i]), min(p.minY, ys[i])
				p.maxX, p.maxY = max(p.maxX, xs[i]), max(p.maxY, ys[i])
			}
		}
	}
	p.buildBands()
	return p
}

func (p *prepared) buildBands() {
	n := len(p.edges)
	bands := max(1, min(n/4, 1<<16))
	h := (p.maxY - p.minY) / float64(bands)
	if !(h > 0) {
		h, bands = 1, 1
	}
	p.bandH, p.invBand = h, 1/h
	p.bandStart = make([]int32, bands+1)
	each := func(f func(b int, e int32)) {
		for i, e := range p.edges {
			_, y0, _, y1 := e.bbox()
			b0, b1 := p.band(y0), p.band(y1)
			for b := b0; b <= b1; b++ {
				f(b, int32(i))
			}
		}
	}
	each(func(b int, _ int32) { p.bandStart[b+1]++ })
	for b := 1; b <= bands; b++ {
		p.bandStart[b] += p.bandStart[b-1]
	}
	p.bandEdges = make([]int32, p.bandStart[bands])
	next := append([]int32(nil), p.bandStart[:bands]...)
	each(func(b int, e int32) { p.bandEdges[next[b]] = e; next[b]++ })
}

func (p *prepared) band(y float64) int {
	return max(0, min(int((y-p.minY)*p.invBand), len(p.bandStart)-2))
}

// near calls f once per edge whose box meets [x0,x1]×[y0,y1].
func (p *prepared) near(x0, y0, x1, y1 float64, f func(i int32)) {
	if x1 < p.minX || x0 > p.maxX || y1 < p.minY || y0 > p.maxY {
		return
	}
	b0, b1 := p.band(y0), p.band(y1)
	for b := b0; b <= b1; b++ {
		for _, i := range p.bandEdges[p.bandStart[b]:p.bandStart[b+1]] {
			e := p.edges[i]
			ex0, ey0, ex1, ey1 := e.bbox()
			if ex1 < x0 || ex0 > x1 || ey1 < y0 || ey0 > y1 {
				continue
			}
			// An edge spanning several bands is seen once: in the first band it
			// shares with the query range.
			if b > b0 && p.band(ey0) < b {
				continue
			}
			f(i)
		}
	}
}

// contains is the even-odd rule with a horizontal ray; only edges in y's band matter.
func (p *prepared) contains(x, y float64) bool {
	if x < p.minX || x > p.maxX || y < p.minY || y > p.maxY {
		return false
	}
	in := false
	b := p.band(y)
	for _, i := range p.bandEdges[p.bandStart[b]:p.bandStart[b+1]] {
		e := p.edges[i]
		if (e.ay > y) != (e.by > y) && x < (e.bx-e.ax)*(y-e.ay)/(e.by-e.ay)+e.ax {
			in = !in
		}
	}
	return in
}
