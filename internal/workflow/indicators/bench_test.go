package indicators

import "testing"

// BenchmarkCubeAdd is the cost of counting one case into a cube cell.
func BenchmarkCubeAdd(b *testing.B) {
	cb := Cube{}
	keys := []Key{{Area: "a", Category: "E0102", Source: "grid_worker", Period: "2026-03"}, {Area: "b", Category: "E0501", Source: "resident", Period: "2026-03"}}
	f := Facts{Registered: true, Dispatched: true, Disposed: true, DisposedOnTime: true, Closed: true, ClosedOnTime: true, Checks: 1, ChecksOnTime: 1}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cb.Add(keys[i&1], f)
	}
}
