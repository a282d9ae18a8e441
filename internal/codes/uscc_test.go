package codes

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Written out from GB 32100-2015 §4.3 (W_i = 3^(i-1) mod 31) so that the test does
// not reuse the package's own table.
var testUSCCWeights = []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

const testUSCCAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func testUSCCCheck(body string) byte {
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(testUSCCAlphabet, body[i]) * testUSCCWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return testUSCCAlphabet[c]
}

func TestUSCCPublished(t *testing.T) {
	r := DefaultRules()
	// Codes published in the national enterprise credit information system.
	for _, c := range []struct{ code, div, org string }{
		{"91440300708461136T", "440300", "708461136"}, // 深圳市腾讯计算机系统有限公司
		{"914403001922038216", "440300", "192203821"}, // 华为技术有限公司
		{"91110108551385082Q", "110108", "551385082"}, // 小米科技有限责任公司
		{"91110000802100433B", "110000", "802100433"}, // 北京百度网讯科技有限公司
		{"91350100M000100Y43", "350100", "M000100Y4"}, // the example used in GB 32100 explanations
	} {
		u, err := r.ParseUSCC(c.code)
		if err != nil {
			t.Errorf("ParseUSCC(%s): %v", c.code, err)
			continue
		}
		if u.Authority != "9" || u.AuthorityName != "工商" || u.Type != "1" || u.TypeName != "企业" || u.Division != c.div || u.OrgCode != c.org {
			t.Errorf("ParseUSCC(%s) = %+v", c.code, u)
		}
	}
	// Their embedded organisation codes pass GB 11714 too.
	for _, oc := range []string{"708461136", "192203821", "551385082", "802100433"} {
		if !ValidOrgCode(oc) {
			t.Errorf("ValidOrgCode(%s) = false", oc)
		}
	}
	if ValidOrgCode("708461137") {
		t.Error("ValidOrgCode accepted a wrong check digit")
	}
	// Lower case input is accepted.
	if _, err := r.ParseUSCC("91350100m000100y43"); err != nil {
		t.Errorf("lower case: %v", err)
	}
}

func TestUSCCConstructed(t *testing.T) {
	r := DefaultRules()
	rng := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"91", "92", "93", "11", "12", "51", "52", "53", "N2", "Y1", "31"}
	divs := []string{"320508", "110105", "440300", "650100", "100000"}
	for range 2000 {
		var b strings.Builder
		b.WriteString(prefixes[rng.IntN(len(prefixes))])
		b.WriteString(divs[rng.IntN(len(divs))])
		for range 9 {
			b.WriteByte(testUSCCAlphabet[rng.IntN(31)])
		}
		body := b.String()
		code := body + string(testUSCCCheck(body))
		if _, err := r.ParseUSCC(code); err != nil {
			t.Fatalf("ParseUSCC(%s): %v", code, err)
		}
		// Every other check character must be refused with uscc.check_char.
		wrong := testUSCCAlphabet[(strings.IndexByte(testUSCCAlphabet, code[17])+1+rng.IntN(30))%31]
		if _, err := r.ParseUSCC(body + string(wrong)); codeOf(err) != CodeUSCCCheck {
			t.Fatalf("ParseUSCC(%s%c) err %v, want check_char", body, wrong, err)
		}
	}
}

func TestUSCCErrors(t *testing.T) {
	r := DefaultRules()
	for in, code := range map[string]string{
		"91440300708461136":   CodeUSCCLength,
		"91440300708461136TT": CodeUSCCLength,
		"91440300708461I36T":  CodeUSCCCharset, // I is excluded
		"91440300708461O36T":  CodeUSCCCharset,
		"91440300708461S36T":  CodeUSCCCharset,
		"B1440300708461136T":  CodeUSCCAuthority,
		"94440300708461136T":  CodeUSCCType, // 工商 has types 1-3 only
		"919903007084611360":  CodeUSCCDivision,
		"9144A300708461136T":  CodeUSCCDivision,
		"91440300708461136U":  CodeUSCCCheck,
	} {
		if _, err := r.ParseUSCC(in); codeOf(err) != code {
			t.Errorf("ParseUSCC(%q) err %v, want %s", in, err, code)
		}
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{"91440300708461136T", "91350100M000100Y43", "", "9144030070846113６T", "Y1100000ABCDEFGHJ0"} {
		f.Add(s)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string) {
		u, err := r.ParseUSCC(s)
		if err != nil {
			if codeOf(err) == "" {
				t.Fatalf("error without code: %v", err)
			}
			return
		}
		if !strings.EqualFold(u.Code, s) || testUSCCCheck(u.Code) != u.Code[17] {
			t.Fatalf("accepted %q as %+v", s, u)
		}
		if u.Authority+u.Type+u.Division+u.OrgCode+u.Code[17:] != u.Code {
			t.Fatalf("parts do not rebuild %q", u.Code)
		}
	})
}
