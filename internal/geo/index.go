package geo

import (
	"errors"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Item is one area to index: a grid's id and its boundary in WGS-84 lon/lat.
type Item struct {
	ID   int64
	Geom orb.MultiPolygon // wrap a Polygon as orb.MultiPolygon{p}
}

// Index answers point → grid. It is immutable once built, so any number of
// goroutines may call Locate concurrently; to change the grids, build a new Index
// and swap an atomic.Pointer in the caller. Ancestors (community, town) are the
// caller's business: Index only returns the grid id.
//
// Why not an R-tree: an R-tree query walks a tree of boxes and then runs a full
// point-in-polygon test over every ring of every candidate (O(vertices)). Unit
// grids tile a town, so a uniform bucket grid does better: the plane is cut into
// cells about the size of a grid; each cell stores (a) the edges that touch it
// and (b) which polygon contains a reference point R inside the cell. A point Q
// in the cell is inside polygon P iff R's status in P flips an odd number of times
// along the segment R→Q, and only edges in the cell can cross R→Q. A lookup is
// one array index plus a handful of orientation tests on flat coordinate arrays.
// BenchmarkLocate compares it with tidwall/rtree + orb/planar (docs/perf-geo.md).
type Index struct {
	minX, minY   float64
	cellW, cellH float64
	invW, invH   float64
	nx, ny       int

	cellStart []uint32  // CSR offsets into cellEdges, len nx*ny+1
	cellEdges []uint32  // edge = vertex i → i+1, grouped by polygon (vertex order)
	cellRef   []int32   // polygon containing the cell's reference point, or -1
	refCode   []uint8   // which of refOffsets is the reference point
	pts       []float64 // x0,y0,x1,y1,… for all rings of all polygons
	vertPoly  []int32   // polygon index of vertex i
	ids       []int64
}

// refOffsets are candidate reference points (fractions of the cell); the first
// one that lies clear of every edge in the cell is used.
var refOffsets = [...][2]float64{{0.5, 0.5}, {0.37, 0.61}, {0.63, 0.41}, {0.21, 0.29}, {0.79, 0.73}, {0.13, 0.87}, {0.91, 0.11}, {0.47, 0.17}, {0.57, 0.93}}

// IndexOptions tunes the bucket grid.
type IndexOptions struct {
	// CellsPerItem is the number of cells per indexed polygon (default 4). More
	// cells mean fewer edges per cell and more memory; 4 measured fastest at
	// 100,000 grids (docs/perf-geo.md).
	CellsPerItem float64
	// MaxCells caps the cell count (default 1<<23).
	MaxCells int
}

// ErrEmptyIndex is returned when no item has a usable ring.
var ErrEmptyIndex = errors.New("geo: no polygon to index")

// BuildIndex builds an index with default options.
func BuildIndex(items []Item) (*Index, error) { return BuildIndexWith(items, IndexOptions{}) }

// BuildIndexWith builds an index. Rings need not be closed; NaN or infinite
// coordinates are rejected.
func BuildIndexWith(items []Item, opt IndexOptions) (*Index, error) {
	if opt.CellsPerItem <= 0 {
		opt.CellsPerItem = 4
	}
	if opt.MaxCells <= 0 {
		opt.MaxCells = 1 << 23
	}
	ix := &Index{ids: make([]int64, len(items))}
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	nv := 0
	for _, it := range items {
		for _, poly := range it.Geom {
			for _, ring := range poly {
				nv += len(ring) + 1
			}
		}
	}
	ix.pts = make([]float64, 0, 2*nv)
	ix.vertPoly = make([]int32, 0, nv)
	isEdge := make([]bool, 0, nv) // vertex i starts an edge (false for the closing vertex of a ring)
	edges := 0
	for pi, it := range items {
		ix.ids[pi] = it.ID
		for _, poly := range it.Geom {
			for _, ring := range poly {
				if len(ring) < 3 {
					continue
				}
				closed := ring[0] == ring[len(ring)-1]
				for i, p := range ring {
					if math.IsNaN(p[0]+p[1]) || math.IsInf(p[0]+p[1], 0) {
						return nil, errors.New("geo: non-finite coordinate")
					}
					b = b.Extend(p)
					ix.pts = append(ix.pts, p[0], p[1])
					ix.vertPoly = append(ix.vertPoly, int32(pi))
					isEdge = append(isEdge, !closed || i < len(ring)-1)
				}
				if !closed { // close it so that edge i → i+1 always exists
					ix.pts = append(ix.pts, ring[0][0], ring[0][1])
					ix.vertPoly = append(ix.vertPoly, int32(pi))
					isEdge = append(isEdge, false)
				}
				edges += len(ring)
			}
		}
	}
	if edges == 0 {
		return nil, ErrEmptyIndex
	}
	ix.setupCells(b, len(items), opt)
	ix.fillEdges(isEdge)
	ix.chooseRefs()
	ix.fillRefs(items)
	return ix, nil
}

func (ix *Index) setupCells(b orb.Bound, n int, opt IndexOptions) {
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if w <= 0 {
		w = 1e-9
	}
	if h <= 0 {
		h = 1e-9
	}
	cells := min(float64(n)*opt.CellsPerItem, float64(opt.MaxCells))
	side := math.Sqrt(w * h / cells) // square cells in degrees; fine at town scale
	ix.nx = max(1, min(int(math.Ceil(w/side)), opt.MaxCells))
	ix.ny = max(1, min(int(math.Ceil(h/side)), opt.MaxCells/ix.nx))
	// Widen the box by a hair so that points on its max edge fall in the last cell.
	ix.minX, ix.minY = b.Min[0], b.Min[1]
	ix.cellW, ix.cellH = w*(1+1e-12)/float64(ix.nx), h*(1+1e-12)/float64(ix.ny)
	ix.invW, ix.invH = 1/ix.cellW, 1/ix.cellH
}

// cellsOfEdge calls f for every cell the segment may touch: per column, the
// y-range of the segment inside that column, widened by a small margin. Adding
// an edge to an extra cell is harmless; missing one is not.
func (ix *Index) cellsOfEdge(x0, y0, x1, y1 float64, f func(c int)) {
	if x0 > x1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
	}
	const m = 1e-7 // in cells
	cx0 := ix.clampX(int(math.Floor((x0-ix.minX)*ix.invW - m)))
	cx1 := ix.clampX(int(math.Floor((x1-ix.minX)*ix.invW + m)))
	for cx := cx0; cx <= cx1; cx++ {
		lx := max(x0, ix.minX+float64(cx)*ix.cellW)
		rx := min(x1, ix.minX+float64(cx+1)*ix.cellW)
		ya, yb := y0, y1
		if x1 > x0 {
			ya = y0 + (y1-y0)*(lx-x0)/(x1-x0)
			yb = y0 + (y1-y0)*(rx-x0)/(x1-x0)
		}
		if ya > yb {
			ya, yb = yb, ya
		}
		cy0 := ix.clampY(int(math.Floor((ya-ix.minY)*ix.invH - m)))
		cy1 := ix.clampY(int(math.Floor((yb-ix.minY)*ix.invH + m)))
		for cy := cy0; cy <= cy1; cy++ {
			f(cy*ix.nx + cx)
		}
	}
}

func (ix *Index) clampX(c int) int { return max(0, min(c, ix.nx-1)) }
func (ix *Index) clampY(c int) int { return max(0, min(c, ix.ny-1)) }

func (ix *Index) fillEdges(isEdge []bool) {
	ncell := ix.nx * ix.ny
	count := make([]uint32, ncell+1)
	forEach := func(f func(c int, e uint32)) {
		for i, ok := range isEdge {
			if ok {
				p := ix.pts[2*i : 2*i+4]
				ix.cellsOfEdge(p[0], p[1], p[2], p[3], func(c int) { f(c, uint32(i)) })
			}
		}
	}
	forEach(func(c int, _ uint32) { count[c+1]++ })
	for c := 1; c <= ncell; c++ {
		count[c] += count[c-1]
	}
	ix.cellStart = count
	ix.cellEdges = make([]uint32, count[ncell])
	next := slices.Clone(count[:ncell])
	// Edges arrive in vertex order, so each cell's list is grouped by polygon.
	forEach(func(c int, e uint32) { ix.cellEdges[next[c]] = e; next[c]++ })
}

func (ix *Index) chooseRefs() {
	ix.refCode = make([]uint8, ix.nx*ix.ny)
	margin := 1e-6 * min(ix.cellW, ix.cellH)
	for c := range ix.refCode {
		es := ix.cellEdges[ix.cellStart[c]:ix.cellStart[c+1]]
		best, bestD := 0, -1.0
		for k := range refOffsets {
			rx, ry := ix.refPoint(c, k)
			d := math.Inf(1)
			for _, e := range es {
				p := ix.pts[2*e : 2*e+4]
				d = min(d, segDist(rx, ry, p[0], p[1], p[2], p[3]))
			}
			if d > margin {
				best = k
				break
			}
			if d > bestD {
				best, bestD = k, d
			}
		}
		ix.refCode[c] = uint8(best)
	}
}

func (ix *Index) refPoint(c, k int) (float64, float64) {
	cx, cy := c%ix.nx, c/ix.nx
	return ix.minX + (float64(cx)+refOffsets[k][0])*ix.cellW, ix.minY + (float64(cy)+refOffsets[k][1])*ix.cellH
}

func (ix *Index) fillRefs(items []Item) {
	ix.cellRef = make([]int32, ix.nx*ix.ny)
	for i := range ix.cellRef {
		ix.cellRef[i] = -1
	}
	for pi, it := range items {
		b := it.Geom.Bound()
		cx0, cx1 := ix.clampX(int((b.Min[0]-ix.minX)*ix.invW)), ix.clampX(int((b.Max[0]-ix.minX)*ix.invW))
		cy0, cy1 := ix.clampY(int((b.Min[1]-ix.minY)*ix.invH)), ix.clampY(int((b.Max[1]-ix.minY)*ix.invH))
		for cy := cy0; cy <= cy1; cy++ {
			for cx := cx0; cx <= cx1; cx++ {
				c := cy*ix.nx + cx
				if ix.cellRef[c] >= 0 {
					continue // overlapping polygons: validation reports them; first wins
				}
				rx, ry := ix.refPoint(c, int(ix.refCode[c]))
				if evenOddContains(it.Geom, rx, ry) {
					ix.cellRef[c] = int32(pi)
				}
			}
		}
	}
}

// Locate returns the id of the polygon containing (lon, lat). Points exactly on a
// shared boundary go to one of the neighbours.
func (ix *Index) Locate(lon, lat float64) (int64, bool) {
	fx, fy := (lon-ix.minX)*ix.invW, (lat-ix.minY)*ix.invH
	if !(fx >= 0 && fy >= 0 && fx < float64(ix.nx) && fy < float64(ix.ny)) { // also false for NaN
		return 0, false
	}
	cx, cy := int(fx), int(fy)
	c := cy*ix.nx + cx
	ref := ix.cellRef[c]
	es := ix.cellEdges[ix.cellStart[c]:ix.cellStart[c+1]]
	if len(es) == 0 {
		if ref >= 0 {
			return ix.ids[ref], true
		}
		return 0, false
	}
	off := refOffsets[ix.refCode[c]]
	rx := ix.minX + (float64(cx)+off[0])*ix.cellW
	ry := ix.minY + (float64(cy)+off[1])*ix.cellH
	// Work relative to R: smaller magnitudes, fewer rounding errors.
	qx, qy := lon-rx, lat-ry
	pts, vp := ix.pts, ix.vertPoly
	cur, odd, seenRef := int32(-1), false, false
	for _, e := range es {
		p := vp[e]
		if p != cur {
			if cur >= 0 && odd != (cur == ref) {
				return ix.ids[cur], true
			}
			cur, odd = p, false
			if p == ref {
				seenRef = true
			}
		}
		ax, ay, bx, by := pts[2*e]-rx, pts[2*e+1]-ry, pts[2*e+2]-rx, pts[2*e+3]-ry
		// Does edge A→B straddle the line R→Q (half-open, so that a vertex on the
		// line counts once), and do R and Q lie on opposite sides of A→B?
		sa, sb := qx*ay-qy*ax, qx*by-qy*bx
		if (sa > 0) != (sb > 0) {
			tr := (bx-ax)*(-ay) - (by-ay)*(-ax) // orient(A,B,R), R = origin
			tq := (bx-ax)*(qy-ay) - (by-ay)*(qx-ax)
			if (tr > 0) != (tq > 0) {
				odd = !odd
			}
		}
	}
	if cur >= 0 && odd != (cur == ref) {
		return ix.ids[cur], true
	}
	if ref >= 0 && !seenRef {
		return ix.ids[ref], true
	}
	return 0, false
}

// Len returns the number of indexed items.
func (ix *Index) Len() int { return len(ix.ids) }

// Stats describes the bucket grid, for tuning and docs.
type IndexStats struct {
	CellsX, CellsY, EdgeRefs, Vertices int
	MaxEdgesPerCell                    int
}

// Stats reports the bucket grid's shape.
func (ix *Index) Stats() IndexStats {
	s := IndexStats{CellsX: ix.nx, CellsY: ix.ny, EdgeRefs: len(ix.cellEdges), Vertices: len(ix.vertPoly)}
	for c := 0; c < ix.nx*ix.ny; c++ {
		s.MaxEdgesPerCell = max(s.MaxEdgesPerCell, int(ix.cellStart[c+1]-ix.cellStart[c]))
	}
	return s
}

// evenOddContains is the crossing-number test over all rings of mp (holes and
// parts included), matching the parity rule Locate uses.
func evenOddContains(mp orb.MultiPolygon, x, y float64) bool {
	in := false
	for _, poly := range mp {
		for _, r := range poly {
			n := len(r)
			for i, j := 0, n-1; i < n; j, i = i, i+1 {
				a, b := r[i], r[j]
				if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
					in = !in
				}
			}
		}
	}
	return in
}

// segDist is the distance from (px,py) to segment (ax,ay)-(bx,by).
func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = max(0, min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	return math.Hypot(px-(ax+t*dx), py-(ay+t*dy))
}
