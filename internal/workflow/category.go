package workflow

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
	"towngrid/internal/codes"

	"towngrid/internal/calendar"
)

// UrgencyLimit is one 处置时限 of a 小类: per urgency (紧急/一般) or, as for
// 私搭乱建, per kind of handling (停工 / 处罚 / 拆除).
type UrgencyLimit struct {
	Urgency string         `json:"urgency"`
	Label   string         `json:"label"`
	Limit   calendar.Limit `json:"limit"`
}

// Category is one 小类 of the 部件/事件 classification (§4.3, §5.3).
type Category struct {
	Code              string         `json:"code"`  // C|E + 大类(2) + 小类(2), e.g. E0102
	Class             string         `json:"class"` // component (部件) | event (事件)
	Major             string         `json:"major"` // 大类 code, 2 digits
	Minor             string         `json:"minor"` // 小类 code, 2 digits
	Name              string         `json:"name"`
	RegisterCondition string         `json:"register_condition"` // 立案条件
	CloseCondition    string         `json:"close_condition"`    // 结案条件
	Limits            []UrgencyLimit `json:"limits"`             // first entry is the default
	Owner             string         `json:"owner"`              // default owner department type
	Source            string         `json:"source,omitempty"`
}

// Major is one 大类.
type Major struct {
	Class string `json:"class"`
	Code  string `json:"code"`
	Name  string `json:"name"`
}

// Categories is a versioned category table (立结案标准).
type Categories struct {
	ID         string     `json:"id"`
	Version    int        `json:"version"`
	Effective  string     `json:"effective"`
	Source     string     `json:"source,omitempty"`
	Majors     []Major    `json:"majors"`
	Categories []Category `json:"categories"`

	byCode map[string]int
}

//go:embed categories.json
var categoriesJSON []byte

// SeedCategories returns a fresh copy of the embedded table.
func SeedCategories() (*Categories, error) { return ParseCategories(categoriesJSON) }

// ParseCategories decodes and validates a category table (outside input).
func ParseCategories(b []byte) (*Categories, error) {
	var t Categories
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, errf(ErrCategoryInvalid.Code, "json: %v", err)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Validate checks codes, names, majors and limits, then indexes the table.
func (t *Categories) Validate() error {
	bad := func(format string, a ...any) error { return errf(ErrCategoryInvalid.Code, format, a...) }
	majors := map[string]bool{}
	for _, m := range t.Majors {
		if !classOK(m.Class) || !twoDigits(m.Code) || m.Name == "" {
			return bad("bad 大类 %+v", m)
		}
		majors[m.Class+m.Code] = true
	}
	t.byCode = make(map[string]int, len(t.Categories))
	for i, c := range t.Categories {
		if !classOK(c.Class) || !twoDigits(c.Major) || !twoDigits(c.Minor) || c.Name == "" {
			return bad("bad 小类 %q %q", c.Code, c.Name)
		}
		if c.Code != classLetter(c.Class)+c.Major+c.Minor {
			return bad("小类 %q: code must be %s+大类+小类", c.Code, classLetter(c.Class))
		}
		if !majors[c.Class+c.Major] {
			return bad("小类 %q: unknown 大类 %s", c.Code, c.Major)
		}
		if _, dup := t.byCode[c.Code]; dup {
			return bad("duplicate 小类 %q", c.Code)
		}
		if len(c.Limits) == 0 {
			return bad("小类 %q: no 处置时限", c.Code)
		}
		seen := map[string]bool{}
		for _, l := range c.Limits {
			if l.Urgency == "" || seen[l.Urgency] || l.Limit.Value <= 0 || l.Limit.Validate() != nil {
				return bad("小类 %q: bad limit for urgency %q", c.Code, l.Urgency)
			}
			seen[l.Urgency] = true
		}
		t.byCode[c.Code] = i
	}
	return nil
}

// Get returns the 小类 with code.
func (t *Categories) Get(code string) (*Category, bool) {
	i, ok := t.byCode[code]
	if !ok {
		return nil, false
	}
	return &t.Categories[i], true
}

// Limit is the 处置时限 of a 小类 for an urgency ("" = the default entry).
// Its signature fits Machine.Limits.
func (t *Categories) Limit(code, urgency string) (calendar.Limit, bool) {
	c, ok := t.Get(code)
	if !ok {
		return calendar.Limit{}, false
	}
	if urgency == "" {
		return c.Limits[0].Limit, true
	}
	for _, l := range c.Limits {
		if l.Urgency == urgency {
			return l.Limit, true
		}
	}
	return calendar.Limit{}, false
}

func classOK(c string) bool { return c == "component" || c == "event" }

func classLetter(c string) string {
	if c == "component" {
		return "C"
	}
	return "E"
}

func twoDigits(s string) bool {
	return len(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
}

// CaseNumber formats a 案卷号: C|E + 大类(2) + 小类(2) + YYYYMMDD (Shanghai
// date of at) + daily serial, zero-padded to width (2 in §5.1, e.g.
// C01012019041101; a busier city widens it; the serial never truncates).
func CaseNumber(categoryCode string, at time.Time, serial, width int) (string, error) {
	if len(categoryCode) != 5 || (categoryCode[0] != 'C' && categoryCode[0] != 'E') ||
		!twoDigits(categoryCode[1:3]) || !twoDigits(categoryCode[3:5]) {
		return "", errf(ErrCaseNumberInvalid.Code, "category code %q is not C|E+大类+小类", categoryCode)
	}
	if serial < 1 {
		return "", errf(ErrCaseNumberInvalid.Code, "serial %d must be ≥ 1", serial)
	}
	return fmt.Sprintf("%s%s%0*d", categoryCode, at.In(calendar.Location()).Format("20060102"), width, serial), nil
}

// ParsedNumber is a decoded 案卷号.
type ParsedNumber struct {
	Category string `json:"category"` // C|E + 大类 + 小类
	Class    string `json:"class"`
	Major    string `json:"major"`
	Minor    string `json:"minor"`
	Date     string `json:"date"` // YYYY-MM-DD
	Serial   int    `json:"serial"`
}

// ParseCaseNumber decodes a 案卷号. The parsing rules live in the codes
// package (one parser for every caller); this adds the category view.
func ParseCaseNumber(s string) (ParsedNumber, error) {
	c, err := codes.ParseCaseNumber(s)
	if err != nil {
		return ParsedNumber{}, errf(ErrCaseNumberInvalid.Code, "%q: %v", s, err)
	}
	class := "event"
	if c.Kind == codes.CaseComponent {
		class = "component"
	}
	return ParsedNumber{Category: s[:5], Class: class, Major: s[1:3], Minor: s[3:5], Date: c.Date().Format("2006-01-02"), Serial: c.Serial}, nil
}
