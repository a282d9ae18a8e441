package codes

import (
	"strings"
	"unicode/utf8"
)

// Masking is what every API response applies to personal data by default. The
// rules follow common practice in Chinese government systems: hide the middle,
// keep enough to recognise the record. Inputs that do not look like the expected
// kind are masked conservatively (MaskMiddle) rather than passed through.

// MaskMiddle keeps head and tail runes and replaces the rest with '*', one per
// rune hidden. When the string is too short to hide anything that way, it keeps at
// most the first rune, so a mask never reveals a whole short value.
func MaskMiddle(s string, head, tail int) string {
	r := []rune(s)
	n := len(r)
	if n == 0 {
		return ""
	}
	if head+tail >= n {
		head, tail = 0, 0
		if n > 1 {
			head = 1
		}
	}
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}

// MaskIDCard keeps the first 4 and the last 4 characters: 4420**********123X.
// The province+city prefix and the tail are what staff use to tell records apart;
// the birth date, the most sensitive part, is hidden.
func MaskIDCard(s string) string { return MaskMiddle(s, 4, 4) }

// MaskMobile masks a mainland mobile number as 138****5678, keeping a "+86"/"86"
// prefix and separators. Other inputs fall back to MaskMiddle(s, 3, 4).
func MaskMobile(s string) string {
	prefix, rest := "", s
	for _, p := range []string{"+86 ", "+86-", "+86", "0086", "86-", "86 "} {
		if strings.HasPrefix(s, p) {
			prefix, rest = p, s[len(p):]
			break
		}
	}
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, rest)
	if len(digits) == 11 && digits[0] == '1' && allDigits(digits) {
		return prefix + digits[:3] + "****" + digits[7:]
	}
	return MaskMiddle(s, 3, 4)
}

// MaskFixedLine masks a fixed-line number: the area code stays, the local number
// keeps its last 4 digits: 010-****5678, 0755-****1234 (extension dropped).
func MaskFixedLine(s string) string {
	if i := strings.IndexAny(s, "转#"); i >= 0 {
		s = strings.TrimSpace(s[:i]) // an extension adds nothing a caller needs
	}
	if i := strings.LastIndexAny(s, "- "); i >= 0 {
		area, local := s[:i+1], s[i+1:]
		switch n := utf8.RuneCountInString(local); {
		case n > 4:
			return area + MaskMiddle(local, 0, 4)
		case n > 0:
			return area + MaskMiddle(local, 0, 0)
		}
		return MaskMiddle(s, 0, 0)
	}
	if len(s) >= 10 && s[0] == '0' {
		// 0 + area code of 2-3 digits; 3-digit area codes start 01x/02x.
		area := 4
		if s[1] == '1' || s[1] == '2' {
			area = 3
		}
		return s[:area] + MaskMiddle(s[area:], 0, 4)
	}
	return MaskMiddle(s, 0, 4)
}

// MaskName keeps the surname: 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**.
// Compound surnames (复姓) come from the rules' list. A single character becomes *.
func (r *Rules) MaskName(name string) string {
	name = strings.TrimSpace(name)
	runes := []rune(name)
	n := len(runes)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	keep := 1
	if n > 2 {
		for _, cs := range r.CompoundSurnames {
			if strings.HasPrefix(name, cs) {
				keep = utf8.RuneCountInString(cs)
				break
			}
		}
	}
	return string(runes[:keep]) + strings.Repeat("*", n-keep)
}

// MaskEmail keeps the first character of the local part and the whole domain, and
// writes a fixed "***" so that the length of the local part is not revealed:
// zhangsan@example.com → z***@example.com.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return MaskMiddle(s, 1, 0)
	}
	first, _ := utf8.DecodeRuneInString(s)
	return string(first) + "***" + s[at:]
}
