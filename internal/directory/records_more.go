package directory

import (
	"slices"
	"strings"
	"time"

	"towngrid/internal/codes"
)

// ComponentState is the state of a 部件 (CJ/T 214).
type ComponentState string

// Component states: 完好, 破损, 丢失, 占用.
const (
	Intact   ComponentState = "intact"
	Damaged  ComponentState = "damaged"
	Missing  ComponentState = "missing"
	Occupied ComponentState = "occupied"
)

// ComponentStates lists them.
var ComponentStates = []ComponentState{Intact, Damaged, Missing, Occupied}

// Component is a city component (部件): a manhole cover, a lamp, a bin …
type Component struct {
	ID               int64          `json:"id"`
	Code             string         `json:"code"`     // 16 digits: county(6) 大类(2) 小类(2) serial(6)
	Category         string         `json:"category"` // work-order 小类 code, C + 大类 + 小类
	MajorName        string         `json:"major_name"`
	MinorName        string         `json:"minor_name"`
	OwnerDeptID      int64          `json:"owner_department_id,omitempty"`
	MaintainerDeptID int64          `json:"maintainer_department_id,omitempty"`
	State            ComponentState `json:"state"`
	AreaID           int64          `json:"area_id"`
	GridID           int64          `json:"grid_id,omitempty"`
	Lon              *float64       `json:"lon,omitempty"`
	Lat              *float64       `json:"lat,omitempty"`
	Note             string         `json:"note"`
	Created          int64          `json:"created_at"`
	Updated          int64          `json:"updated_at"`
}

// ClassNames names the 大类 and 小类 of a component category code (C0101); ok
// is false when the table does not know the 小类.
type ClassNames func(category string) (major, minor string, ok bool)

// ValidateComponent checks a component and fills its category and, when the
// category table knows them, its class names.
func ValidateComponent(c *Component, rules *codes.Rules, names ClassNames) error {
	c.Code = strings.TrimSpace(c.Code)
	cc, err := rules.ParseComponentCode(c.Code)
	if err != nil {
		return recCodeErr("code", err)
	}
	c.Category = "C" + cc.String()[6:10]
	if names != nil {
		if mj, mn, ok := names(c.Category); ok {
			c.MajorName, c.MinorName = mj, mn
		}
	}
	if err := recText(&c.MajorName, "major_name", "component.major_name", 0, 32); err != nil {
		return err
	}
	if err := recText(&c.MinorName, "minor_name", "component.minor_name", 0, 32); err != nil {
		return err
	}
	if c.State == "" {
		c.State = Intact
	}
	if !slices.Contains(ComponentStates, c.State) {
		return recFE("state", "component.state", "one of intact, damaged, missing, occupied")
	}
	if c.AreaID <= 0 && c.GridID <= 0 {
		return recFE("area_id", "component.area", "an area or a grid is required")
	}
	if err := ValidateLonLat(c.Lon, c.Lat); err != nil {
		return err
	}
	return recText(&c.Note, "note", "component.note", 0, 500)
}

// Resident is a person recorded with their consent. IDNumber and Phone hold
// the clear values only on the way in and when an authorised caller unmasks;
// otherwise they hold masked forms.
type Resident struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	IDNumber  string   `json:"id_number"`
	Phone     string   `json:"phone"`
	Masked    bool     `json:"masked"`
	Address   string   `json:"address"`
	AreaID    int64    `json:"area_id"`
	GridID    int64    `json:"grid_id,omitempty"`
	ConsentAt int64    `json:"consent_at"` // unix ms when the person agreed to be recorded
	Tags      []string `json:"tags"`
	Created   int64    `json:"created_at"`
	Updated   int64    `json:"updated_at"`
}

// NormalizeIDNumber validates an ID number (GB 11643: 18 characters with check
// digit; 15-digit legacy numbers are converted) and returns its 18-character form.
func NormalizeIDNumber(s string, rules *codes.Rules) (string, error) {
	id, err := rules.ParseIDCard(strings.ToUpper(strings.TrimSpace(s)))
	if err != nil {
		return "", recCodeErr("id_number", err)
	}
	return id.Number, nil
}

// ValidateResident checks a resident; now is the store's clock (unix ms), for
// refusing a consent given in the future.
func ValidateResident(r *Resident, rules *codes.Rules, now int64) error {
	if err := recText(&r.Name, "name", "resident.name", 1, 64); err != nil {
		return err
	}
	n, err := NormalizeIDNumber(r.IDNumber, rules)
	if err != nil {
		return err
	}
	r.IDNumber = n
	if err := recText(&r.Phone, "phone", "resident.phone", 0, 32); err != nil {
		return err
	}
	if err := recText(&r.Address, "address", "resident.address", 0, 200); err != nil {
		return err
	}
	if r.AreaID <= 0 && r.GridID <= 0 {
		return recFE("area_id", "resident.area", "an area or a grid is required")
	}
	if r.ConsentAt <= 0 {
		return recFE("consent_at", "resident.consent_required", "a resident is recorded only with their consent: give the time they agreed (consent_at)")
	}
	if r.ConsentAt > now+int64(24*time.Hour/time.Millisecond) {
		return recFE("consent_at", "resident.consent_future", "consent cannot be given in the future")
	}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if len(r.Tags) > 20 {
		return recFE("tags", "resident.tags", "at most 20 tags")
	}
	for i := range r.Tags {
		if err := recText(&r.Tags[i], "tags", "resident.tag", 1, 32); err != nil {
			return err
		}
	}
	return nil
}
