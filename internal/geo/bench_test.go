package geo

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
)

// benchData is built once per process: 100,000 generated grid polygons (the
// product target) and 1<<16 random query points over their region.
var benchData = sync.OnceValues(func() ([]Item, []orb.Point) {
	items, b := genGrids(100_000, 2026)
	return items, randomPoints(1<<16, b, 77)
})

type locator interface {
	Locate(lon, lat float64) (int64, bool)
}

func runLocate(b *testing.B, ix locator, pts []orb.Point) {
	var found atomic.Int64
	var seed atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(seed.Add(7919)) // each goroutine walks the points from its own offset
		n := int64(0)
		for pb.Next() {
			p := pts[i&(len(pts)-1)]
			if _, ok := ix.Locate(p[0], p[1]); ok {
				n++
			}
			i++
		}
		found.Add(n)
	})
	b.StopTimer()
	if found.Load() == 0 {
		b.Fatal("no point located")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
}

// BenchmarkLocate/bucket is Index; BenchmarkLocate/rtree_planar is the library
// baseline: tidwall/rtree over bounding boxes + orb/planar.MultiPolygonContains.
func BenchmarkLocate(b *testing.B) {
	items, pts := benchData()
	ix, err := BuildIndex(items)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bucket", func(b *testing.B) { runLocate(b, ix, pts) })
	ix2, err := BuildIndexWith(items, IndexOptions{CellsPerItem: 2})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bucket_cells2", func(b *testing.B) { runLocate(b, ix2, pts) })
	base := newRtreeIndex(items)
	b.Run("rtree_planar", func(b *testing.B) { runLocate(b, base, pts) })
}

func BenchmarkBuildIndex(b *testing.B) {
	items, _ := benchData()
	for _, cpi := range []float64{1, 2, 4} {
		b.Run(fmt.Sprintf("cells_per_item=%v", cpi), func(b *testing.B) {
			var st IndexStats
			for b.Loop() {
				ix, err := BuildIndexWith(items, IndexOptions{CellsPerItem: cpi})
				if err != nil {
					b.Fatal(err)
				}
				st = ix.Stats()
			}
			b.ReportMetric(float64(st.EdgeRefs)/float64(st.CellsX*st.CellsY), "edges/cell")
			b.ReportMetric(float64(st.MaxEdgesPerCell), "max-edges/cell")
		})
	}
}

func BenchmarkValidate10kGrids(b *testing.B) {
	items, _ := genGrids(10_000, 4)
	fs := make([]Feature, len(items))
	for i, it := range items {
		fs[i] = Feature{ID: fmt.Sprint(it.ID), Parent: "c", Geom: it.Geom}
	}
	for b.Loop() {
		if is := ValidateFeatures(fs, ValidateOptions{}); len(is) != 0 {
			b.Fatal(is[0])
		}
	}
}
