package codes

import "testing"

func FuzzParseCaseNumber(f *testing.F) {
	for _, s := range []string{"C01012019041101", "E021320240229100", "C0101201904110", "", "E0000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCaseNumber(s)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		// The printed form is canonical: parse then format gives the input back.
		if out, err := FormatCaseNumber(c); err != nil || out != s {
			t.Fatalf("round trip %q -> %+v -> %q, %v", s, c, out, err)
		}
	})
}

func FuzzParseGridCode(f *testing.F) {
	for _, s := range []string{"32050801904400", "110105001002015", "", "99999999999999"} {
		f.Add(s, 2)
		f.Add(s, 3)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string, w int) {
		g, err := r.ParseGridCode(s, w)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if out, err := r.BuildGridCode(g); err != nil || out != s {
			t.Fatalf("round trip %q -> %+v -> %q, %v", s, g, out, err)
		}
	})
}

func FuzzParseComponentCode(f *testing.F) {
	for _, s := range []string{"3205080101000001", "", "0000000000000000"} {
		f.Add(s)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string) {
		c, err := r.ParseComponentCode(s)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if out, err := r.BuildComponentCode(c); err != nil || out != s {
			t.Fatalf("round trip %q -> %+v -> %q, %v", s, c, out, err)
		}
	})
}

func FuzzParseStatsCode(f *testing.F) {
	for _, s := range []string{"320508019044", "", "110105", "999"} {
		f.Add(s)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := r.ParseStatsCode(s)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if sc.String() != s {
			t.Fatalf("round trip %q -> %q", s, sc.String())
		}
		if _, err := r.ParseDivision(s[:6]); err != nil {
			t.Fatal(err)
		}
	})
}
