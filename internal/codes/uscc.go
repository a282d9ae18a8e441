package codes

import "strings"

// usccCharset is the GB 32100-2015 code alphabet: digits and capital letters
// without I, O, Z, S, V (which read like 1, 0, 2, 5, U); the index is the value.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue maps a byte to its value in usccCharset, or -1.
var usccValue = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(usccCharset); i++ {
		v[usccCharset[i]] = int8(i)
	}
	return v
}()

// usccWeights are W_i = 3^(i-1) mod 31 for positions 1..17 (GB 32100-2015 §4.3, Annex B).
var usccWeights = func() (w [17]int) {
	p := 1
	for i := range w {
		w[i] = p
		p = p * 3 % 31
	}
	return w
}()

// USCCCheckChar computes the 18th character for the first 17 characters of a
// unified social credit code: C18 = 31 - (Σ Ci·Wi mod 31), with 31 written as 0.
// ok is false when body is not 17 characters of the code alphabet.
func USCCCheckChar(body string) (c byte, ok bool) {
	if len(body) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue[body[i]]
		if v < 0 {
			return 0, false
		}
		sum += int(v) * usccWeights[i]
	}
	return usccCharset[(31-sum%31)%31], true
}

// USCC is a parsed unified social credit code (统一社会信用代码).
type USCC struct {
	Code          string `json:"code"`
	Authority     string `json:"authority"`      // 登记管理部门代码, position 1
	AuthorityName string `json:"authority_name"` // e.g. 工商
	Type          string `json:"type"`           // 机构类别代码, position 2
	TypeName      string `json:"type_name"`      // e.g. 企业
	Division      string `json:"division"`       // 登记管理机关行政区划码, positions 3-8
	OrgCode       string `json:"org_code"`       // 主体标识码 (组织机构代码), positions 9-17
	// OrgCodeValid reports whether positions 9-17 carry a valid GB 11714 check
	// character. It is informational: codes issued to some individual businesses
	// do not follow GB 11714, so it is not a reason to reject.
	OrgCodeValid bool `json:"org_code_valid"`
}

// ParseUSCC validates and parses an 18-character unified social credit code.
// Lowercase letters are accepted and upper-cased, as people type them so.
func (r *Rules) ParseUSCC(s string) (USCC, error) {
	if len(s) != 18 {
		return USCC{}, errf(CodeUSCCLength, "unified social credit code must be 18 characters, got %d bytes", len(s))
	}
	s = strings.ToUpper(s)
	for i := 0; i < 18; i++ {
		if usccValue[s[i]] < 0 {
			return USCC{}, errf(CodeUSCCCharset, "character %d (%q) is not in the code alphabet 0-9 A-H J-N P-R T-U W-Y", i+1, s[i])
		}
	}
	auth, ok := r.USCCAuthorities[s[:1]]
	if !ok {
		return USCC{}, errf(CodeUSCCAuthority, "unknown registration authority code %q", s[:1])
	}
	typeName, ok := auth.Types[s[1:2]]
	if !ok {
		return USCC{}, errf(CodeUSCCType, "authority %s has no organisation type %q", s[:1], s[1:2])
	}
	div := s[2:8]
	if !allDigits(div) {
		return USCC{}, errf(CodeUSCCDivision, "division code %q must be 6 digits", div)
	}
	// 100000 is used by authorities at national level.
	if _, ok := r.Provinces[div[:2]]; !ok && div != "100000" {
		return USCC{}, errf(CodeUSCCDivision, "division code %s has an unknown province", div)
	}
	if want, _ := USCCCheckChar(s[:17]); want != s[17] {
		return USCC{}, errf(CodeUSCCCheck, "check character is %q, expected %q", s[17], want)
	}
	return USCC{
		Code: s, Authority: s[:1], AuthorityName: auth.Name, Type: s[1:2], TypeName: typeName,
		Division: div, OrgCode: s[8:17], OrgCodeValid: ValidOrgCode(s[8:17]),
	}, nil
}

// ValidOrgCode checks a 9-character GB 11714 organisation code (8 body + check):
// C9 = 11 - (Σ Ci·Wi mod 11) with W = 3,7,9,10,5,8,4,2; 10 is X and 11 is 0.
func ValidOrgCode(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			sum += int(c-'0') * w[i]
		case c >= 'A' && c <= 'Z':
			sum += int(c-'A'+10) * w[i]
		default:
			return false
		}
	}
	var want byte
	switch r := 11 - sum%11; r {
	case 10:
		want = 'X'
	case 11:
		want = '0'
	default:
		want = byte('0' + r)
	}
	return s[8] == want
}
