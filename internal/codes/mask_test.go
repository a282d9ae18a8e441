package codes

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMasking(t *testing.T) {
	r := DefaultRules()
	cases := []struct {
		name, got, want string
	}{
		{"id18", MaskIDCard("44200019900101123X"), "4420**********123X"},
		{"id15", MaskIDCard("110105491231002"), "1101*******1002"},
		{"id short", MaskIDCard("1234"), "1***"},
		{"mobile", MaskMobile("13812345678"), "138****5678"},
		{"mobile +86", MaskMobile("+86 13812345678"), "+86 138****5678"},
		{"mobile dashes", MaskMobile("138-1234-5678"), "138****5678"},
		{"mobile odd", MaskMobile("12345"), "1****"},
		{"fixed dash", MaskFixedLine("010-12345678"), "010-****5678"},
		{"fixed 4-digit area", MaskFixedLine("0755-87654321"), "0755-****4321"},
		{"fixed bare", MaskFixedLine("075587654321"), "0755****4321"},
		{"fixed bare 010", MaskFixedLine("01012345678"), "010****5678"},
		{"fixed ext", MaskFixedLine("010-12345678转123"), "010-****5678"},
		{"name 2", r.MaskName("张三"), "张*"},
		{"name 3", r.MaskName("张三丰"), "张**"},
		{"name compound", r.MaskName("欧阳娜娜"), "欧阳**"},
		{"name compound 3", r.MaskName("欧阳修"), "欧阳*"},
		{"name compound-like 2", r.MaskName("欧阳"), "欧*"},
		{"name 1", r.MaskName("张"), "*"},
		{"email", MaskEmail("zhangsan@example.com"), "z***@example.com"},
		{"email short", MaskEmail("a@b.cn"), "a***@b.cn"},
		{"email bad", MaskEmail("nobody"), "n*****"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"13812345678", "张三", "a@b", "", "010-1234", "欧阳娜娜", "\xff\xfe"} {
		f.Add(s)
	}
	r := DefaultRules()
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []string{MaskIDCard(s), MaskMobile(s), MaskFixedLine(s), r.MaskName(s), MaskEmail(s), MaskMiddle(s, 3, 4)} {
			// A mask never returns a non-empty input unchanged when it has 2+ runes
			// (it must hide something), and always hides with '*'.
			if utf8.RuneCountInString(strings.TrimSpace(s)) >= 2 && m == s && !strings.Contains(s, "*") {
				t.Fatalf("mask of %q revealed everything", s)
			}
		}
	})
}
