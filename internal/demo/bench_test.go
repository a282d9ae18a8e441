package demo

import (
	"context"
	"testing"

	"towngrid/internal/store/storetest"
)

// BenchmarkGenerate writes each size into a fresh SQLite file. Run one
// iteration per size: go test -run '^$' -bench Generate -benchtime 1x ./internal/demo
func BenchmarkGenerate(b *testing.B) {
	for _, size := range []string{SizeTown, SizeCity, SizeProvince} {
		b.Run(size, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				db := storetest.SQLite(b, 0)
				b.StartTimer()
				s, err := Generate(context.Background(), db, Options{Seed: 2026, Size: size})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(s.Areas["grid"]), "grids")
			}
		})
	}
}

func BenchmarkDescribeProvince(b *testing.B) {
	for b.Loop() {
		if _, err := Describe(Options{Seed: 2026, Size: SizeProvince}); err != nil {
			b.Fatal(err)
		}
	}
}
