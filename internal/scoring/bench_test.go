package scoring

import (
	"testing"
)

// BenchmarkScoreMillion scores, ranks and classes 1,000,000 enterprises with the
// Huangyan 2022 scheme (product target ≤ 1 s on 2 cores).
func BenchmarkScoreMillion(b *testing.B) {
	s, err := Seed("huangyan-2022")
	if err != nil {
		b.Fatal(err)
	}
	e, _ := Compile(s)
	in := Synthetic(1_000_000, 42)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Score(in); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSyntheticIsDeterministicAndScores(t *testing.T) {
	a, b := Synthetic(5000, 1), Synthetic(5000, 1)
	for f, col := range a.Figures {
		for i, v := range col {
			if w := b.Figures[f][i]; v != w && !(v != v && w != w) {
				t.Fatalf("%s[%d] differs", f, i)
			}
		}
	}
	s, _ := Seed("huangyan-2022")
	r := mustScore(t, s, a)
	counts := map[string]int{}
	for i := 0; i < a.N; i++ {
		counts[r.ClassCode(i)]++
		if g := r.Group[i]; g >= 0 && !r.Groups[g].Def.Exempt && (r.Rank[i] < 1 || r.Pct[i] > 100) {
			t.Fatalf("entity %d rank %d pct %v", i, r.Rank[i], r.Pct[i])
		}
	}
	if counts["A"] == 0 || counts["D"] == 0 || counts[""] != 0 {
		t.Errorf("class counts %v", counts)
	}
}
