package directory

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"towngrid/internal/account"
	"towngrid/internal/codes"
)

// The records of the directory: departments and who owns which category of
// work where, enterprises, city components (部件) and residents. Validation
// here is pure; storage resolves the ids (areas, departments, users).

func recFE(field, code, detail string) *account.FieldError {
	return &account.FieldError{Field: field, Code: code, Detail: detail}
}

func recText(s *string, field, code string, min, max int) error {
	*s = strings.TrimSpace(*s)
	if n := utf8.RuneCountInString(*s); n < min || n > max {
		if min == 0 {
			return recFE(field, code, "at most "+recItoa(max)+" characters")
		}
		return recFE(field, code, recItoa(min)+"–"+recItoa(max)+" characters")
	}
	return nil
}

func recItoa(n int) string { return strconv.Itoa(n) }

// DepartmentKinds are the kinds of department (专业部门) a town usually has.
// They match the owner types of the seeded work-order categories
// (workflow/categories.json), so that dispatch can fall back from a category's
// default owner type to a department of that kind. Data, not logic: an
// installation may add kinds.
var DepartmentKinds = []string{
	"city_management", "sanitation", "housing", "market_regulation", "ecology", "power", "water", "water_affairs",
	"drainage", "gas", "landscaping", "lighting", "transport", "traffic_police", "public_security", "fire",
	"civil_affairs", "telecom", "street", "community", "other",
}

// Department is a 专业部门 or one of its sections: level 1 has no parent,
// level 2 sits under a level-1 department.
type Department struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id,omitempty"`
	Level    int    `json:"level"` // 1 一级, 2 二级
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Contact  string `json:"contact"`
	Phone    string `json:"phone"`
	AreaID   int64  `json:"area_id"` // the area the department serves; its scope
	Created  int64  `json:"created_at"`
	Updated  int64  `json:"updated_at"`
}

var deptCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// ValidateDepartment checks a department's own fields; parent is nil for level 1.
func ValidateDepartment(d *Department, parent *Department) error {
	d.Code = strings.TrimSpace(d.Code)
	if !deptCodeRE.MatchString(d.Code) {
		return recFE("code", "department.code", "1–32 letters, digits, dot, dash or underscore")
	}
	if err := recText(&d.Name, "name", "department.name", 1, 64); err != nil {
		return err
	}
	if !slices.Contains(DepartmentKinds, d.Kind) {
		return recFE("kind", "department.kind", "one of "+strings.Join(DepartmentKinds, ", "))
	}
	if err := recText(&d.Contact, "contact", "department.contact", 0, 64); err != nil {
		return err
	}
	if err := recText(&d.Phone, "phone", "department.phone", 0, 32); err != nil {
		return err
	}
	if d.AreaID <= 0 {
		return recFE("area_id", "department.area", "the area the department serves is required")
	}
	d.Level = 1
	if parent != nil {
		if parent.Level != 1 {
			return recFE("parent_id", "department.parent_level", "a 二级 department must sit under a 一级 department")
		}
		if parent.ID == d.ID {
			return recFE("parent_id", "department.parent_self", "a department cannot be its own parent")
		}
		d.Level = 2
	}
	return nil
}

// OwnershipRule says which department owns a category of work in an area and
// everything below it (权属). Category is a 小类 code (C0101), a 大类 code (C01)
// or "*" for every category.
type OwnershipRule struct {
	ID           int64  `json:"id"`
	AreaID       int64  `json:"area_id"`
	Category     string `json:"category"`
	DepartmentID int64  `json:"department_id"`
	Created      int64  `json:"created_at"`
}

// CategoryAny is the category of a catch-all rule.
const CategoryAny = "*"

// CategoryLookup tells whether a code is a known 小类 or 大类; the caller builds
// it from the category table in force (workflow.SeedCategories or its stored version).
type CategoryLookup func(code string) bool

// ValidateOwnership checks a rule's fields.
func ValidateOwnership(r *OwnershipRule, known CategoryLookup) error {
	r.Category = strings.ToUpper(strings.TrimSpace(r.Category))
	if r.AreaID <= 0 {
		return recFE("area_id", "ownership.area", "an area is required")
	}
	if r.DepartmentID <= 0 {
		return recFE("department_id", "ownership.department", "a department is required")
	}
	if r.Category != CategoryAny && (known == nil || !known(r.Category)) {
		return recFE("category", "ownership.category", "not a known 小类 (e.g. C0101) or 大类 (e.g. C01) code, nor *")
	}
	return nil
}

// CategorySpecificity ranks how precisely a rule's category matches code:
// 2 for the 小类 itself, 1 for its 大类 prefix, 0 for "*", -1 for no match.
func CategorySpecificity(rule, code string) int {
	switch {
	case rule == code:
		return 2
	case len(code) == 5 && rule == code[:3]:
		return 1
	case rule == CategoryAny:
		return 0
	}
	return -1
}

// PickOwner chooses among the rules that apply to an area path: the rule on
// the deepest area of the path wins; on one area the most specific category
// wins (小类 before 大类 before *). It returns the chosen rule's index or -1.
func PickOwner(path string, code string, rules []OwnershipRule) int {
	depth := map[int64]int{}
	for i, id := range AncestorIDs(path) {
		depth[id] = i
	}
	best, bestDepth, bestSpec := -1, -1, -1
	for i, r := range rules {
		d, on := depth[r.AreaID]
		s := CategorySpecificity(r.Category, code)
		if !on || s < 0 {
			continue
		}
		if d > bestDepth || (d == bestDepth && s > bestSpec) {
			best, bestDepth, bestSpec = i, d, s
		}
	}
	return best
}

// EnterpriseStatus is the state of an enterprise that the per-mu evaluation uses.
type EnterpriseStatus string

// Enterprise statuses.
const (
	Active            EnterpriseStatus = "active"
	UnderConstruction EnterpriseStatus = "under_construction"
	StartUp           EnterpriseStatus = "start_up"
	Utility           EnterpriseStatus = "utility"
	Closed            EnterpriseStatus = "closed"
)

// EnterpriseStatuses lists them.
var EnterpriseStatuses = []EnterpriseStatus{Active, UnderConstruction, StartUp, Utility, Closed}

// Contact is a person to call at an enterprise.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Role  string `json:"role,omitempty"`
}

// Enterprise is a registered business in the town.
type Enterprise struct {
	ID         int64            `json:"id"`
	USCC       string           `json:"uscc"`
	Name       string           `json:"name"`
	Industry   string           `json:"industry"`    // GB/T 4754 code, e.g. C3311
	AboveScale bool             `json:"above_scale"` // 规上
	LandMu     float64          `json:"land_mu"`
	Park       string           `json:"park"`
	AreaID     int64            `json:"area_id"`
	GridID     int64            `json:"grid_id,omitempty"`
	Address    string           `json:"address"`
	Lon        *float64         `json:"lon,omitempty"`
	Lat        *float64         `json:"lat,omitempty"`
	Contacts   []Contact        `json:"contacts"`
	Status     EnterpriseStatus `json:"status"`
	UserID     int64            `json:"user_id,omitempty"` // the enterprise's login account
	Created    int64            `json:"created_at"`
	Updated    int64            `json:"updated_at"`
}

var industryRE = regexp.MustCompile(`^[A-T][0-9]{0,4}$`)

// ValidIndustry checks the form of a GB/T 4754-2017 code: a section letter
// A–T followed by up to four digits (division, group, class).
func ValidIndustry(s string) bool { return industryRE.MatchString(s) }

// MaxLandMu bounds land area: the largest industrial zones are a few 10^5 mu.
const MaxLandMu = 1e7

// ValidateEnterprise checks an enterprise's fields and normalises the USCC.
func ValidateEnterprise(e *Enterprise, rules *codes.Rules) error {
	e.USCC = strings.ToUpper(strings.TrimSpace(e.USCC))
	u, err := rules.ParseUSCC(e.USCC)
	if err != nil {
		return recCodeErr("uscc", err)
	}
	e.USCC = u.Code
	if err := recText(&e.Name, "name", "enterprise.name", 1, 128); err != nil {
		return err
	}
	e.Industry = strings.ToUpper(strings.TrimSpace(e.Industry))
	if e.Industry != "" && !ValidIndustry(e.Industry) {
		return recFE("industry", "enterprise.industry", "a GB/T 4754 code: a letter A–T then up to 4 digits, e.g. C3311")
	}
	if math.IsNaN(e.LandMu) || e.LandMu < 0 || e.LandMu > MaxLandMu {
		return recFE("land_mu", "enterprise.land_mu", "land area in mu: 0 or more")
	}
	e.LandMu = math.Round(e.LandMu*1e4) / 1e4
	if err := recText(&e.Park, "park", "enterprise.park", 0, 64); err != nil {
		return err
	}
	if err := recText(&e.Address, "address", "enterprise.address", 0, 200); err != nil {
		return err
	}
	if e.AreaID <= 0 && e.GridID <= 0 {
		return recFE("area_id", "enterprise.area", "a town or community (or a grid) is required")
	}
	if e.Status == "" {
		e.Status = Active
	}
	if !slices.Contains(EnterpriseStatuses, e.Status) {
		return recFE("status", "enterprise.status", "one of active, under_construction, start_up, utility, closed")
	}
	if err := ValidateLonLat(e.Lon, e.Lat); err != nil {
		return err
	}
	if e.Contacts == nil {
		e.Contacts = []Contact{}
	}
	if len(e.Contacts) > 10 {
		return recFE("contacts", "enterprise.contacts", "at most 10 contacts")
	}
	for i := range e.Contacts {
		c := &e.Contacts[i]
		if err := recText(&c.Name, "contacts", "enterprise.contact_name", 1, 32); err != nil {
			return err
		}
		if err := recText(&c.Phone, "contacts", "enterprise.contact_phone", 0, 32); err != nil {
			return err
		}
		if err := recText(&c.Role, "contacts", "enterprise.contact_role", 0, 32); err != nil {
			return err
		}
	}
	return nil
}

// ValidateLonLat checks an optional WGS-84 position: both or neither.
func ValidateLonLat(lon, lat *float64) error {
	if (lon == nil) != (lat == nil) {
		return recFE("lon", "position.pair", "give both longitude and latitude, or neither")
	}
	if lon != nil && (math.IsNaN(*lon) || *lon < -180 || *lon > 180) {
		return recFE("lon", "position.lon", "longitude −180 to 180")
	}
	if lat != nil && (math.IsNaN(*lat) || *lat < -90 || *lat > 90) {
		return recFE("lat", "position.lat", "latitude −90 to 90")
	}
	return nil
}

func recCodeErr(field string, err error) error {
	if ce, ok := err.(*codes.Error); ok {
		return recFE(field, ce.Code, ce.Detail)
	}
	return recFE(field, field, err.Error())
}
