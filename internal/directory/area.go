// Package directory holds the town's directory: areas in a hierarchy and what
// sits in them. It is pure; storage keeps it, HTTP serves it.
package directory

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"towngrid/internal/account"
)

// Level is the place of an area in the hierarchy.
type Level string

const (
	Province  Level = "province"
	City      Level = "city"
	County    Level = "county"
	Town      Level = "town" // 镇 / 街道 / 乡
	Community Level = "community"
	Grid      Level = "grid" // 单元网格
)

// Levels lists the levels from the top down.
var Levels = []Level{Province, City, County, Town, Community, Grid}

// Depth is the index of l in Levels, or -1.
func (l Level) Depth() int { return slices.Index(Levels, l) }

// Area is one node of the hierarchy.
type Area struct {
	ID       int64           `json:"id"`
	ParentID int64           `json:"parent_id,omitempty"`
	Level    Level           `json:"level"`
	Code     string          `json:"code"`
	Name     string          `json:"name"`
	Path     string          `json:"path"` // '/1/5/23/'
	Geometry json.RawMessage `json:"geometry,omitempty"`
	Props    json.RawMessage `json:"props,omitempty"`
	Created  int64           `json:"created_at"`
	Updated  int64           `json:"updated_at"`
}

// ChildPath is the path of a child with id under a parent path.
func ChildPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// AncestorIDs returns the ids on a path from the root down, the area itself last.
func AncestorIDs(path string) []int64 {
	var out []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// ValidateArea checks an area's own fields; the code's standard form is checked
// by the codes package once the level is known.
func ValidateArea(a *Area, parent *Area) error {
	a.Name = strings.TrimSpace(a.Name)
	a.Code = strings.TrimSpace(a.Code)
	if a.Level.Depth() < 0 {
		return &account.FieldError{Field: "level", Code: "area.level", Detail: "one of province, city, county, town, community, grid"}
	}
	if a.Name == "" || len([]rune(a.Name)) > 100 {
		return &account.FieldError{Field: "name", Code: "area.name", Detail: "1–100 characters"}
	}
	if a.Code == "" || len(a.Code) > 32 {
		return &account.FieldError{Field: "code", Code: "area.code", Detail: "1–32 characters"}
	}
	if parent != nil && parent.Level.Depth() >= a.Level.Depth() {
		return &account.FieldError{Field: "level", Code: "area.level_order", Detail: "an area must sit below its parent's level (" + string(parent.Level) + ")"}
	}
	if len(a.Geometry) > 0 && !json.Valid(a.Geometry) {
		return &account.FieldError{Field: "geometry", Code: "area.geometry", Detail: "not valid JSON"}
	}
	return nil
}
