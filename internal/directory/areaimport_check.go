package directory

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/geo"
)

type importIndex struct {
	items    []ImportItem
	byCode   map[string]int   // code → first item index
	stored   map[string]*Area // code → stored area
	codeOfID map[int64]string // stored id → code
}

func newImportIndex(items []ImportItem, stored []*Area) *importIndex {
	ix := &importIndex{items: items, byCode: map[string]int{}, stored: map[string]*Area{}, codeOfID: map[int64]string{}}
	for i, it := range items {
		if _, dup := ix.byCode[it.Code]; !dup {
			ix.byCode[it.Code] = i
		}
	}
	for _, a := range stored {
		ix.stored[a.Code] = a
		ix.codeOfID[a.ID] = a.Code
	}
	return ix
}

func fieldErr(field, code, format string, a ...any) error {
	return &account.FieldError{Field: field, Code: code, Detail: fmt.Sprintf(format, a...)}
}

func (ix *importIndex) checkItem(r *codes.Rules, i int, pl *ImportPlan, opt ImportOptions) error {
	it := ix.items[i]
	if j := ix.byCode[it.Code]; j != i {
		return fieldErr("code", "import.duplicate_code", "code %s appears again at index %d", it.Code, ix.items[j].Index)
	}
	var parent *Area
	if it.ParentCode != "" {
		if j, ok := ix.byCode[it.ParentCode]; ok {
			parent = &Area{Level: ix.items[j].Level, Code: ix.items[j].Code}
		} else if p, ok := ix.stored[it.ParentCode]; ok {
			parent = p
		} else {
			return fieldErr("parent_code", "area.parent_unknown", "no area with code %s in the file or stored", it.ParentCode)
		}
	}
	a := &Area{Level: it.Level, Code: it.Code, Name: it.Name, Geometry: it.Geometry, Props: it.Props}
	if err := ValidateArea(a, parent); err != nil {
		return err
	}
	kind, err := CheckCode(r, a, parent, opt.Codes)
	if err != nil {
		return err
	}
	if old, ok := ix.stored[it.Code]; ok {
		if old.Level != it.Level {
			return fieldErr("level", "area.level_change", "stored %s is a %s; an import does not change levels", it.Code, old.Level)
		}
		if was := ix.codeOfID[old.ParentID]; was != it.ParentCode {
			return fieldErr("parent_code", "area.parent_change", "stored %s lies under %q; an import does not move areas", it.Code, was)
		}
		pl.Replaces[i] = old
	}
	props := it.Props
	if len(bytes.TrimSpace(props)) == 0 || string(bytes.TrimSpace(props)) == "null" {
		props = json.RawMessage("{}")
	} else if bytes.TrimSpace(props)[0] != '{' {
		return fieldErr("props", "area.props", "props must be a JSON object")
	}
	if it.Level == Town {
		if props, err = WithTownKind(props, kind); err != nil {
			return err
		}
	}
	pl.Props[i] = props
	if HasGeometry(it.Geometry) {
		mp, err := ParseGeometry(it.Geometry)
		if err != nil {
			return err
		}
		pl.Geom[i] = mp
	}
	return nil
}

// HasGeometry reports whether raw holds a geometry (not absent, not null).
func HasGeometry(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && string(t) != "null"
}

// checkShapes validates boundaries and sibling overlaps in one pass over the
// file and the stored shapes, then the coverage of every parent with children
// in the file.
func (ix *importIndex) checkShapes(bad []bool, shapes []*Area, pl *ImportPlan, opt ImportOptions) {
	rep := pl.Report
	var fs []geo.Feature
	var src []int // item index, or -1-k for shapes[k]
	for i, it := range ix.items {
		if !bad[i] && pl.Geom[i] != nil {
			fs = append(fs, geo.Feature{ID: it.Code, Parent: it.ParentCode, Geom: pl.Geom[i]})
			src = append(src, i)
		}
	}
	storedGeom := map[string]orb.MultiPolygon{}
	for k, s := range shapes {
		mp, err := ParseGeometry(s.Geometry)
		if err != nil {
			continue
		}
		storedGeom[s.Code] = mp
		if _, replaced := ix.byCode[s.Code]; replaced {
			continue
		}
		fs = append(fs, geo.Feature{ID: s.Code, Parent: ix.codeOfID[s.ParentID], Geom: mp})
		src = append(src, -1-k)
	}
	issue := func(is geo.Issue, idx int) ImportIssue {
		out := ImportIssue{Index: -1, ID: is.ID, Field: "geometry", Code: is.Code, Detail: is.Detail, AreaM2: is.AreaM2}
		if idx >= 0 {
			out.Index, out.Row = ix.items[idx].Index, ix.items[idx].Row
		}
		return out
	}
	for _, is := range geo.ValidateFeatures(fs, opt.Geometry) {
		a := src[is.Index]
		if is.Code == geo.CodeOverlap {
			b := src[is.OtherIndex]
			if a < 0 && b < 0 {
				continue // two stored areas: not this file's fault
			}
			if a < 0 { // name the file's feature first
				a, b = b, a
				is.ID, is.OtherID = is.OtherID, is.ID
				is.Detail = fmt.Sprintf("overlaps stored %q by %.1f m²", is.OtherID, is.AreaM2)
			}
			out := issue(is, a)
			out.OtherID = is.OtherID
			if b >= 0 {
				oi := ix.items[b].Index
				out.OtherIndex = &oi
			}
			rep.Errors = append(rep.Errors, out)
			bad[a] = true
			continue
		}
		if a < 0 {
			continue
		}
		if is.Severity == geo.SevError {
			bad[a] = true
			rep.Errors = append(rep.Errors, issue(is, a))
		} else {
			rep.Warnings = append(rep.Warnings, issue(is, a))
		}
	}
	ix.checkCoverage(bad, fs, src, storedGeom, pl, opt)
}

func (ix *importIndex) checkCoverage(bad []bool, fs []geo.Feature, src []int, storedGeom map[string]orb.MultiPolygon, pl *ImportPlan, opt ImportOptions) {
	kids := map[string][]int{} // parent code → feature indexes
	fromFile := map[string]bool{}
	spoilt := map[string]bool{}
	for k, f := range fs {
		if f.Parent == "" {
			continue
		}
		kids[f.Parent] = append(kids[f.Parent], k)
		if src[k] >= 0 {
			fromFile[f.Parent] = true
			if bad[src[k]] {
				spoilt[f.Parent] = true
			}
		}
	}
	for pc, ks := range kids {
		if !fromFile[pc] || spoilt[pc] {
			continue
		}
		parent := geo.Feature{ID: pc}
		pi := -1
		if j, ok := ix.byCode[pc]; ok {
			if bad[j] || pl.Geom[j] == nil {
				continue
			}
			parent.Geom, pi = pl.Geom[j], j
		} else if g, ok := storedGeom[pc]; ok {
			parent.Geom = g
		} else {
			continue
		}
		children := make([]geo.Feature, len(ks))
		for n, k := range ks {
			children[n] = fs[k]
		}
		for _, is := range geo.CheckCoverage(parent, children, opt.Geometry) {
			out := ImportIssue{Index: -1, ID: is.ID, Field: "geometry", Code: is.Code, Detail: is.Detail, AreaM2: is.AreaM2}
			at := pi
			if is.Index >= 0 {
				at = src[ks[is.Index]]
				out.OtherID = pc
			}
			if at >= 0 {
				out.Index, out.Row = ix.items[at].Index, ix.items[at].Row
			}
			pl.Report.Warnings = append(pl.Report.Warnings, out)
		}
	}
}
