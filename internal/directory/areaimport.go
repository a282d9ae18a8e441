package directory

import (
	"encoding/json"
	"errors"
	"sort"

	"github.com/paulmach/orb"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/geo"
)

// ImportItem is one area of an import file (a GeoJSON feature or a spreadsheet row).
type ImportItem struct {
	Index      int             `json:"index"`         // 0-based position among the file's items
	Row        int             `json:"row,omitempty"` // spreadsheet row (1-based), 0 for GeoJSON
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Level      Level           `json:"level"`
	ParentCode string          `json:"parent_code,omitempty"`
	Geometry   json.RawMessage `json:"geometry,omitempty"`
	Props      json.RawMessage `json:"props,omitempty"`
}

// ImportIssue is one finding about one item: an error rejects the whole file,
// a warning does not.
type ImportIssue struct {
	Index      int     `json:"index"` // item index; -1 for an area already stored
	Row        int     `json:"row,omitempty"`
	ID         string  `json:"id,omitempty"` // the item's area code
	Field      string  `json:"field"`
	Code       string  `json:"code"` // stable machine code, e.g. area.overlap
	Detail     string  `json:"detail"`
	OtherIndex *int    `json:"other_index,omitempty"`
	OtherID    string  `json:"other_id,omitempty"`
	AreaM2     float64 `json:"area_m2,omitempty"`
}

// ImportReport is the answer to an import: what was (or, in a dry run, would
// be) created and updated, and why the file was refused.
type ImportReport struct {
	DryRun   bool          `json:"dry_run"`
	Total    int           `json:"total"`
	Created  int           `json:"created"`
	Updated  int           `json:"updated"`
	Errors   []ImportIssue `json:"errors"`
	Warnings []ImportIssue `json:"warnings"`
}

// OK reports whether the file may be written.
func (r *ImportReport) OK() bool { return len(r.Errors) == 0 }

// ImportOptions steer an import.
type ImportOptions struct {
	Codes    CodeOptions
	DryRun   bool
	Geometry geo.ValidateOptions
	// Progress, when set, hears how far validation ("validate") and writing
	// ("write") have got; the CLI draws its bar from it.
	Progress func(stage string, done, total int)
}

func (o ImportOptions) Step(stage string, done, total int) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

// ImportPlan is a checked import: the report, and for a file without errors
// the order to write the items in (parents first) and what each one replaces.
type ImportPlan struct {
	Report   *ImportReport
	Order    []int                    // item indexes, parents before children
	Replaces map[int]*Area            // item index → stored area with the same code (upsert)
	Props    map[int]json.RawMessage  // item index → props to store (a town's kind added)
	Geom     map[int]orb.MultiPolygon // item index → parsed boundary
}

// CheckImport validates every item: fields, codes by level and parent,
// parents (stored or in the same file), boundaries, overlaps between siblings
// (also with stored siblings the file does not replace) and coverage gaps.
// stored are the stored areas (geometry not needed); shapes are stored areas
// with geometry that are parents or siblings of the file's items.
func CheckImport(r *codes.Rules, items []ImportItem, stored, shapes []*Area, opt ImportOptions) *ImportPlan {
	rep := &ImportReport{DryRun: opt.DryRun, Total: len(items), Errors: []ImportIssue{}, Warnings: []ImportIssue{}}
	pl := &ImportPlan{Report: rep, Replaces: map[int]*Area{}, Props: map[int]json.RawMessage{}, Geom: map[int]orb.MultiPolygon{}}
	ix := newImportIndex(items, stored)
	bad := make([]bool, len(items))
	for i, it := range items {
		if err := ix.checkItem(r, i, pl, opt); err != nil {
			bad[i] = true
			fe := &account.FieldError{Code: "area.invalid", Detail: err.Error()}
			errors.As(err, &fe)
			rep.Errors = append(rep.Errors, ImportIssue{Index: it.Index, Row: it.Row, ID: it.Code, Field: fe.Field, Code: fe.Code, Detail: fe.Detail})
		}
		if i%500 == 0 {
			opt.Step("validate", i, len(items))
		}
	}
	ix.checkShapes(bad, shapes, pl, opt)
	opt.Step("validate", len(items), len(items))
	sort.SliceStable(rep.Errors, func(a, b int) bool { return rep.Errors[a].Index < rep.Errors[b].Index })
	if rep.OK() {
		for i := range items {
			pl.Order = append(pl.Order, i)
			if pl.Replaces[i] != nil {
				rep.Updated++
			} else {
				rep.Created++
			}
		}
		// A parent's level is above its child's, so level order is parent-first.
		sort.SliceStable(pl.Order, func(a, b int) bool { return items[pl.Order[a]].Level.Depth() < items[pl.Order[b]].Level.Depth() })
	}
	return pl
}
