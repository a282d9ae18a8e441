package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"towngrid/internal/codes"
	"towngrid/internal/directory"
)

// areaCodeRules are the seeded code tables. They are read-only here; when an
// administrator edits them they will come from the rules table instead.
var areaCodeRules = codes.DefaultRules()

// checkAreaShape checks an area's code by its level and parent, records a
// town's kind in its props and validates its boundary.
func checkAreaShape(a, parent *directory.Area, opt directory.CodeOptions) error {
	kind, err := directory.CheckCode(areaCodeRules, a, parent, opt)
	if err != nil {
		return err
	}
	if a.Level == directory.Town {
		if a.Props, err = directory.WithTownKind(a.Props, kind); err != nil {
			return err
		}
	}
	if !directory.HasGeometry(a.Geometry) {
		a.Geometry = nil
		return nil
	}
	_, err = directory.CheckGeometry(a.Geometry)
	return err
}

// AllAreas pages through every area in id order (no scope filter), with or
// without boundaries. Callers decide what the caller may see.
func (db *DB) AllAreas(ctx context.Context, level directory.Level, withGeometry bool) ([]*directory.Area, error) {
	var out []*directory.Area
	after := int64(0)
	for {
		page, err := db.ListAreas(ctx, AreaFilter{Unscoped: true, Level: level, WithGeometry: withGeometry, After: after, Limit: 5000})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 5000 {
			return out, nil
		}
		after = page[len(page)-1].ID
	}
}

// AreasUnder returns the areas in the subtrees of paths (all areas when paths
// is nil), with their boundaries, parents first and then by code.
func (db *DB) AreasUnder(ctx context.Context, paths []string, level directory.Level) ([]*directory.Area, error) {
	var out []*directory.Area
	after := int64(0)
	for {
		page, err := db.ListAreas(ctx, AreaFilter{Scopes: paths, Unscoped: paths == nil, Level: level, WithGeometry: true, After: after, Limit: 2000})
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < 2000 {
			break
		}
		after = page[len(page)-1].ID
	}
	directory.SortForExport(out)
	return out, nil
}

// AreasByID returns the named areas without boundaries, keyed by id.
func (db *DB) AreasByID(ctx context.Context, ids []int64) (map[int64]*directory.Area, error) {
	out := map[int64]*directory.Area{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		q := `SELECT id, COALESCE(parent_id, 0), level, code, name, path, NULL, props, created_at, updated_at FROM areas WHERE id IN (?` + strings.Repeat(",?", n-1) + `)`
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			a, err := scanArea(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[a.ID] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// shapesAround returns the stored areas with boundaries among ids and their children.
func (db *DB) shapesAround(ctx context.Context, ids []int64) ([]*directory.Area, error) {
	var out []*directory.Area
	for len(ids) > 0 {
		n := min(len(ids), 400)
		in := `(?` + strings.Repeat(",?", n-1) + `)`
		args := make([]any, 0, 2*n)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		args = append(args, args...)
		rows, err := db.Query(ctx, `SELECT `+areaCols+` FROM areas WHERE geometry IS NOT NULL AND (id IN `+in+` OR parent_id IN `+in+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			a, err := scanArea(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// ImportAreas checks every item (see directory.CheckImport) and, when none has
// an error and opt.DryRun is false, creates or updates (by code) all of them in
// ONE transaction: a file is written whole or not at all. pre are issues the
// file reader already found (a spreadsheet cell that is not GeoJSON).
func (db *DB) ImportAreas(ctx context.Context, actor Actor, items []directory.ImportItem, pre []directory.ImportIssue, opt directory.ImportOptions) (*directory.ImportReport, error) {
	stored, err := db.AllAreas(ctx, "", false)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]*directory.Area, len(stored))
	for _, a := range stored {
		byCode[a.Code] = a
	}
	var parentIDs []int64
	seen := map[int64]bool{}
	for _, it := range items {
		if p, ok := byCode[it.ParentCode]; ok && !seen[p.ID] {
			seen[p.ID] = true
			parentIDs = append(parentIDs, p.ID)
		}
	}
	shapes, err := db.shapesAround(ctx, parentIDs)
	if err != nil {
		return nil, err
	}
	pl := directory.CheckImport(areaCodeRules, items, stored, shapes, opt)
	rep := pl.Report
	if len(pre) > 0 {
		rep.Errors = append(append([]directory.ImportIssue{}, pre...), rep.Errors...)
		sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Index < rep.Errors[j].Index })
	}
	if !rep.OK() {
		rep.Created, rep.Updated = 0, 0
		return rep, nil
	}
	if opt.DryRun {
		return rep, nil
	}
	err = db.Write(ctx, actor, func(tx *Tx) error {
		done := map[string]*directory.Area{}
		for n, i := range pl.Order {
			it := items[i]
			a := &directory.Area{Level: it.Level, Code: strings.TrimSpace(it.Code), Name: strings.TrimSpace(it.Name), Props: pl.Props[i]}
			if directory.HasGeometry(it.Geometry) {
				a.Geometry = it.Geometry
			}
			if old := pl.Replaces[i]; old != nil {
				before, err := scanArea(tx.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE id = ?`, old.ID))
				if err != nil {
					return err
				}
				a.ID, a.ParentID, a.Path = old.ID, old.ParentID, old.Path
				if err := tx.writeUpdate(ctx, a, before); err != nil {
					return fmt.Errorf("import %s: %w", a.Code, err)
				}
			} else {
				parent := done[it.ParentCode]
				if parent == nil && it.ParentCode != "" {
					parent = byCode[it.ParentCode]
				}
				if parent != nil {
					a.ParentID = parent.ID
				}
				if err := tx.insertArea(ctx, a, parent); err != nil {
					return fmt.Errorf("import %s: %w", a.Code, err)
				}
			}
			done[a.Code] = a
			if n%200 == 0 {
				opt.Step("write", n, len(pl.Order))
			}
		}
		opt.Step("write", len(pl.Order), len(pl.Order))
		return tx.Audit(ctx, Change{Action: "area.import", Object: "area", ObjectID: "import",
			Detail: fmt.Sprintf("import: %d created, %d updated", rep.Created, rep.Updated)})
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// GridsVersion changes whenever a grid is added or edited: the count and the
// newest update time of grid-level areas.
func (db *DB) GridsVersion(ctx context.Context) (string, error) {
	var n, newest int64
	err := db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM areas WHERE level = 'grid'`).Scan(&n, &newest)
	return Itoa(n) + "/" + Itoa(newest), err
}
