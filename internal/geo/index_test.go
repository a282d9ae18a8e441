package geo

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"
)

// rtreeIndex is the straightforward library way, used as the oracle in tests and
// the baseline in benchmarks: tidwall/rtree on bounding boxes + orb/planar.
type rtreeIndex struct {
	tr    rtree.RTreeG[int32]
	items []Item
}

func newRtreeIndex(items []Item) *rtreeIndex {
	r := &rtreeIndex{items: items}
	for i, it := range items {
		b := it.Geom.Bound()
		r.tr.Insert(b.Min, b.Max, int32(i))
	}
	return r
}

func (r *rtreeIndex) Locate(lon, lat float64) (id int64, ok bool) {
	p := orb.Point{lon, lat}
	r.tr.Search(p, p, func(_, _ [2]float64, i int32) bool {
		if planar.MultiPolygonContains(r.items[i].Geom, p) {
			id, ok = r.items[i].ID, true
			return false
		}
		return true
	})
	return id, ok
}

func TestGeneratedGridsAreValid(t *testing.T) {
	items, _ := genGrids(2500, 1)
	var fs []Feature
	for _, it := range items {
		fs = append(fs, Feature{ID: fmt.Sprint(it.ID), Geom: it.Geom})
		n := len(it.Geom[0][0]) - 1
		if n < 8 || n > 32 {
			t.Fatalf("grid %d has %d vertices", it.ID, n)
		}
	}
	if issues := ValidateFeatures(fs, ValidateOptions{}); len(issues) != 0 {
		t.Fatalf("generated grids not valid: %v", issues[:min(5, len(issues))])
	}
}

func TestLocateMatchesRtreeBaseline(t *testing.T) {
	items, b := genGrids(10000, 3)
	ix, err := BuildIndex(items)
	if err != nil {
		t.Fatal(err)
	}
	base := newRtreeIndex(items)
	pts := randomPoints(200000, b, 5)
	for _, p := range pts {
		got, gok := ix.Locate(p[0], p[1])
		want, wok := base.Locate(p[0], p[1])
		if got != want || gok != wok {
			t.Fatalf("Locate(%v) = %d,%v; rtree+planar says %d,%v", p, got, gok, want, wok)
		}
	}
	// The generated grids tile their bounding box: every inner point is found.
	for _, p := range pts[:1000] {
		if _, ok := ix.Locate(p[0], p[1]); !ok {
			t.Fatalf("point %v inside the tiled region not located", p)
		}
	}
	for _, p := range [][2]float64{{b.Min[0] - 1e-6, b.Min[1]}, {b.Max[0] + 1, b.Max[1]}, {math.NaN(), 30}, {121, math.Inf(1)}} {
		if _, ok := ix.Locate(p[0], p[1]); ok {
			t.Errorf("Locate(%v) found a grid outside the region", p)
		}
	}
}

func TestLocateHolesAndParts(t *testing.T) {
	square := func(x0, y0, s float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x0 + s, y0}, {x0 + s, y0 + s}, {x0, y0 + s}, {x0, y0}}
	}
	items := []Item{
		// A 10×10 square with a 4×4 hole, plus a second part far away.
		{ID: 7, Geom: orb.MultiPolygon{{square(0, 0, 10), square(3, 3, 4)}, {square(20, 20, 2)}}},
		// A grid filling the hole.
		{ID: 8, Geom: orb.MultiPolygon{{square(3, 3, 4)}}},
	}
	for _, opt := range []IndexOptions{{}, {CellsPerItem: 50}, {CellsPerItem: 2000}} {
		ix, err := BuildIndexWith(items, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			x, y float64
			id   int64
			ok   bool
		}{
			{1, 1, 7, true}, {9.9, 0.1, 7, true}, {5, 5, 8, true}, {3.5, 6.5, 8, true}, {2.9, 5, 7, true},
			{21, 21, 7, true}, {15, 15, 0, false}, {21, 5, 0, false}, {-1, 5, 0, false},
		} {
			id, ok := ix.Locate(c.x, c.y)
			if id != c.id || ok != c.ok {
				t.Errorf("opts %+v: Locate(%v,%v) = %d,%v; want %d,%v", opt, c.x, c.y, id, ok, c.id, c.ok)
			}
		}
	}
	if _, err := BuildIndex(nil); err != ErrEmptyIndex {
		t.Errorf("empty index: %v", err)
	}
	if _, err := BuildIndex([]Item{{ID: 1, Geom: orb.MultiPolygon{{{{0, 0}, {math.NaN(), 1}, {1, 1}}}}}}); err == nil {
		t.Error("NaN accepted")
	}
}

func TestLocateConcurrent(t *testing.T) {
	items, b := genGrids(2000, 11)
	ix, err := BuildIndex(items)
	if err != nil {
		t.Fatal(err)
	}
	base := newRtreeIndex(items)
	pts := randomPoints(4000, b, 12)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(pts); i += 4 {
				got, _ := ix.Locate(pts[i][0], pts[i][1])
				if want, _ := base.Locate(pts[i][0], pts[i][1]); got != want {
					t.Errorf("concurrent Locate(%v) = %d, want %d", pts[i], got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzLocate(f *testing.F) {
	items, _ := genGrids(100, 2)
	ix, err := BuildIndex(items)
	if err != nil {
		f.Fatal(err)
	}
	base := newRtreeIndex(items)
	f.Add(120.001, 30.001)
	f.Add(math.NaN(), 0.0)
	f.Fuzz(func(t *testing.T, x, y float64) {
		got, gok := ix.Locate(x, y)
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			if gok {
				t.Fatalf("Locate(%v,%v) found %d", x, y, got)
			}
			return // the baseline's answer for NaN is meaningless
		}
		want, wok := base.Locate(x, y)
		if gok != wok || got != want {
			// Points on a shared boundary may go either way; accept only that.
			if onBoundary(items, x, y) {
				return
			}
			t.Fatalf("Locate(%v,%v) = %d,%v; baseline %d,%v", x, y, got, gok, want, wok)
		}
	})
}

func onBoundary(items []Item, x, y float64) bool {
	for _, it := range items {
		for _, r := range it.Geom[0] {
			for i := 0; i+1 < len(r); i++ {
				if segDist(x, y, r[i][0], r[i][1], r[i+1][0], r[i+1][1]) < 1e-12 {
					return true
				}
			}
		}
	}
	return false
}
