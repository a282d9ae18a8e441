package codes

import (
	"strings"
	"testing"
)

// testIDCheck is ISO 7064 MOD 11-2 written from GB 11643-1999 §7.2 without the
// package's tables: a_1 = (12 - (Σ a_i·W_i mod 11)) mod 11, W_i = 2^(i-1) mod 11,
// with i counted from the right (the check digit is i=1).
func testIDCheck(body string) byte {
	sum := 0
	for k := range 17 {
		i := 18 - k // position from the right
		w := 1
		for range i - 1 {
			w = w * 2 % 11
		}
		sum += int(body[k]-'0') * w
	}
	a := (12 - sum%11) % 11
	if a == 10 {
		return 'X'
	}
	return byte('0' + a)
}

func TestParseIDCardStandardExamples(t *testing.T) {
	r := DefaultRules()
	// GB 11643-1999 Annex examples: 11010519491231002X (female, 1949-12-31) and
	// 440524188001010014 (male, 1880-01-01).
	for _, c := range []struct {
		in, birth string
		male      bool
	}{
		{"11010519491231002X", "1949-12-31", false},
		{"11010519491231002x", "1949-12-31", false},
		{"440524188001010014", "1880-01-01", true},
	} {
		id, err := r.ParseIDCard(c.in)
		if err != nil {
			t.Errorf("ParseIDCard(%s): %v", c.in, err)
			continue
		}
		if id.Birth.Format("2006-01-02") != c.birth || id.Male != c.male || id.Number != strings.ToUpper(c.in) {
			t.Errorf("ParseIDCard(%s) = %+v", c.in, id)
		}
	}
}

func TestUpgradeIDCard(t *testing.T) {
	r := DefaultRules()
	// The 15-digit form of the GB 11643 example is 110105491231002.
	got, err := r.UpgradeIDCard("110105491231002")
	if err != nil || got != "11010519491231002X" {
		t.Errorf("UpgradeIDCard = %q, %v", got, err)
	}
	id, err := r.ParseIDCard("110105491231002")
	if err != nil || id.Number != "11010519491231002X" {
		t.Errorf("ParseIDCard(15) = %+v, %v", id, err)
	}
	for in, code := range map[string]string{
		"11010549123100":  CodeIDLength,
		"11010549123100A": CodeIDCharset,
		"110105490231002": CodeIDBirthDate, // 1949-02-31
		"990105491231002": CodeIDRegion,
	} {
		if _, err := r.UpgradeIDCard(in); codeOf(err) != code {
			t.Errorf("UpgradeIDCard(%q) err %v, want %s", in, err, code)
		}
	}
}

func TestIDCardConstructed(t *testing.T) {
	r := DefaultRules()
	bodies := []string{"32050820000229123", "44030019991231001", "65010019000101999", "11010120240101000"}
	for _, b := range bodies {
		code := b + string(testIDCheck(b))
		if _, err := r.ParseIDCard(code); err != nil {
			t.Errorf("ParseIDCard(%s): %v", code, err)
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != code[17] {
				if _, err := r.ParseIDCard(b + string(d)); codeOf(err) != CodeIDCheck {
					t.Errorf("ParseIDCard(%s%c) err %v, want check digit error", b, d, err)
				}
			}
		}
	}
}

func TestParseIDCardErrors(t *testing.T) {
	r := DefaultRules()
	for in, code := range map[string]string{
		"1101051949123100":             CodeIDLength,
		"11010519491231002XX":          CodeIDLength,
		"1101051949123100A2":           CodeIDCharset,
		"11010519491231002Y":           CodeIDCharset,
		"99010519491231002X":           CodeIDRegion,
		"110105" + "19491331" + "0021": CodeIDBirthDate,
		"110105" + "17991231" + "0021": CodeIDBirthDate,
		"110105" + "20230229" + "0021": CodeIDBirthDate,
		"110105194912310021":           CodeIDCheck,
	} {
		if _, err := r.ParseIDCard(in); codeOf(err) != code {
			t.Errorf("ParseIDCard(%q) err %v, want %s", in, err, code)
		}
	}
}

func FuzzParseIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "110105491231002", "", "11010519491231002x"} {
		f.Add(s)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string) {
		id, err := r.ParseIDCard(s)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if len(id.Number) != 18 || testIDCheck(id.Number[:17]) != id.Number[17] {
			t.Fatalf("accepted %q as %+v", s, id)
		}
		if id.Number[6:14] != id.Birth.Format("20060102") {
			t.Fatalf("birth %v does not match %s", id.Birth, id.Number)
		}
		m := MaskIDCard(id.Number)
		if len(m) != 18 || m[4:14] != strings.Repeat("*", 10) {
			t.Fatalf("mask %q", m)
		}
	})
}
