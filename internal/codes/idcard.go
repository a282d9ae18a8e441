package codes

import "time"

// idWeights are 2^(17-i) mod 11 for positions 1..17 (ISO 7064 MOD 11-2, GB 11643-1999 §7).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDCheckDigit computes the 18th character from the first 17 digits; ok is false
// when body is not 17 ASCII digits.
func IDCheckDigit(body string) (c byte, ok bool) {
	if len(body) != 17 || !allDigits(body) {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	// (12 - sum mod 11) mod 11, with 10 written as X.
	return "10X98765432"[sum%11], true
}

// IDCard is a parsed 公民身份号码.
type IDCard struct {
	Number   string    `json:"number"`   // 18 characters, X upper-case
	Region   string    `json:"region"`   // 6-digit address code
	Birth    time.Time `json:"birth"`    // midnight UTC
	Sequence string    `json:"sequence"` // 3 digits, odd = male
	Male     bool      `json:"male"`
}

// ParseIDCard validates an 18-character ID number (15-digit legacy numbers are
// converted first with UpgradeIDCard). It does not compare the birth date with
// today, so that it stays a pure function; callers check IDCard.Birth if needed.
func (r *Rules) ParseIDCard(s string) (IDCard, error) {
	if len(s) == 15 {
		up, err := r.UpgradeIDCard(s)
		if err != nil {
			return IDCard{}, err
		}
		s = up
	}
	if len(s) != 18 {
		return IDCard{}, errf(CodeIDLength, "ID number must be 18 (or 15) characters, got %d bytes", len(s))
	}
	if s[17] == 'x' {
		s = s[:17] + "X"
	}
	if !allDigits(s[:17]) || !(s[17] == 'X' || (s[17] >= '0' && s[17] <= '9')) {
		return IDCard{}, errf(CodeIDCharset, "ID number must be 17 digits then a digit or X")
	}
	if err := r.checkIDRegion(s[:6]); err != nil {
		return IDCard{}, err
	}
	birth, err := idBirth(s[6:10], s[10:12], s[12:14])
	if err != nil {
		return IDCard{}, err
	}
	if want, _ := IDCheckDigit(s[:17]); want != s[17] {
		return IDCard{}, errf(CodeIDCheck, "check digit is %q, expected %q", s[17], want)
	}
	return IDCard{Number: s, Region: s[:6], Birth: birth, Sequence: s[14:17], Male: (s[16]-'0')%2 == 1}, nil
}

// UpgradeIDCard converts a 15-digit legacy number (6 region + YYMMDD + 3 sequence)
// to 18 characters by inserting the century "19" and appending the check digit.
// 15-digit numbers were issued 1984-1999 to people born in the 1900s.
func (r *Rules) UpgradeIDCard(s string) (string, error) {
	if len(s) != 15 {
		return "", errf(CodeIDLength, "legacy ID number must be 15 digits, got %d bytes", len(s))
	}
	if !allDigits(s) {
		return "", errf(CodeIDCharset, "legacy ID number must be all digits")
	}
	if err := r.checkIDRegion(s[:6]); err != nil {
		return "", err
	}
	if _, err := idBirth("19"+s[6:8], s[8:10], s[10:12]); err != nil {
		return "", err
	}
	body := s[:6] + "19" + s[6:]
	c, _ := IDCheckDigit(body)
	return body + string(c), nil
}

func (r *Rules) checkIDRegion(code string) error {
	if _, ok := r.Provinces[code[:2]]; !ok {
		return errf(CodeIDRegion, "address code %s has an unknown province", code)
	}
	return nil
}

func idBirth(y, m, d string) (time.Time, error) {
	yy, mm, dd := atoiDigits(y), atoiDigits(m), atoiDigits(d)
	// GB 11643's own example is born 1880; nobody alive was born before 1800.
	if yy < 1800 || !validDate(yy, mm, dd) {
		return time.Time{}, errf(CodeIDBirthDate, "birth date %s-%s-%s is not a valid date", y, m, d)
	}
	return time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC), nil
}
