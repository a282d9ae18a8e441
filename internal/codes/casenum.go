package codes

import (
	"strconv"
	"time"
)

// CaseKind is the first letter of a case number: C for 部件 (component), E for 事件 (event).
type CaseKind string

const (
	CaseComponent CaseKind = "C"
	CaseEvent     CaseKind = "E"
)

// CaseNumber is a 案卷号: kind + 大类(2) + 小类(2) + YYYYMMDD + daily serial,
// e.g. C01012019041101 (case-management.md §5.1). The serial has at least 2 digits
// and grows when a day has more than 99 cases; its width is therefore implied by
// its value, which keeps the printed form unique (Parse rejects "001").
type CaseNumber struct {
	Kind   CaseKind `json:"kind"`
	Major  int      `json:"major"`
	Minor  int      `json:"minor"`
	Year   int      `json:"year"`
	Month  int      `json:"month"`
	Day    int      `json:"day"`
	Serial int      `json:"serial"`
}

// maxCaseSerial bounds the serial so that the number stays a short string.
const maxCaseSerial = 99_999_999

// FormatCaseNumber validates the parts and prints the number.
func FormatCaseNumber(c CaseNumber) (string, error) {
	if err := c.validate(); err != nil {
		return "", err
	}
	return c.String(), nil
}

// String prints the number without validation.
func (c CaseNumber) String() string {
	b := make([]byte, 0, 20)
	b = append(b, c.Kind...)
	b = append(b, pad2(c.Major)...)
	b = append(b, pad2(c.Minor)...)
	b = strconv.AppendInt(b, int64(c.Year), 10)
	b = append(b, pad2(c.Month)...)
	b = append(b, pad2(c.Day)...)
	b = append(b, pad2(c.Serial)...)
	return string(b)
}

// Date returns the case date at midnight UTC.
func (c CaseNumber) Date() time.Time {
	return time.Date(c.Year, time.Month(c.Month), c.Day, 0, 0, 0, 0, time.UTC)
}

func (c CaseNumber) validate() error {
	if c.Kind != CaseComponent && c.Kind != CaseEvent {
		return errf(CodeCaseKind, "case kind must be C or E, got %q", string(c.Kind))
	}
	if c.Major < 1 || c.Major > 99 || c.Minor < 1 || c.Minor > 99 {
		return errf(CodeCaseFormat, "major and minor class must be 01-99, got %d/%d", c.Major, c.Minor)
	}
	if !validDate(c.Year, c.Month, c.Day) || c.Year < 1000 {
		return errf(CodeCaseDate, "invalid case date %04d-%02d-%02d", c.Year, c.Month, c.Day)
	}
	if c.Serial < 1 || c.Serial > maxCaseSerial {
		return errf(CodeCaseSerial, "case serial must be 1-%d, got %d", maxCaseSerial, c.Serial)
	}
	return nil
}

// ParseCaseNumber parses and validates a case number.
func ParseCaseNumber(s string) (CaseNumber, error) {
	if len(s) < 15 || len(s) > 13+len(strconv.Itoa(maxCaseSerial)) {
		return CaseNumber{}, errf(CodeCaseLength, "case number must be 15-21 characters, got %d", len(s))
	}
	c := CaseNumber{Kind: CaseKind(s[:1])}
	if c.Kind != CaseComponent && c.Kind != CaseEvent {
		return CaseNumber{}, errf(CodeCaseKind, "case number must start with C or E")
	}
	rest := s[1:]
	if !allDigits(rest) {
		return CaseNumber{}, errf(CodeCaseFormat, "case number must be a letter followed by digits")
	}
	c.Major, c.Minor = atoiDigits(rest[0:2]), atoiDigits(rest[2:4])
	c.Year, c.Month, c.Day = atoiDigits(rest[4:8]), atoiDigits(rest[8:10]), atoiDigits(rest[10:12])
	serial := rest[12:]
	if len(serial) > 2 && serial[0] == '0' {
		return CaseNumber{}, errf(CodeCaseSerial, "serial %q has a superfluous leading zero", serial)
	}
	c.Serial = atoiDigits(serial)
	if err := c.validate(); err != nil {
		return CaseNumber{}, err
	}
	return c, nil
}

// validDate reports whether y-m-d is a real calendar date.
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}
