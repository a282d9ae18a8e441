package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

type areaView struct {
	ParentID          int64
	Level, Code, Name string
	Geometry          string
}

func areaViewOf(a *directory.Area) areaView {
	return areaView{a.ParentID, string(a.Level), a.Code, a.Name, string(a.Geometry)}
}

func nullJSON(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

// CreateArea stores an area below its parent and sets its path, with grid
// codes of the CJ/T 213 form (14 digits).
func (t *Tx) CreateArea(ctx context.Context, a *directory.Area) error {
	return t.CreateAreaWith(ctx, a, directory.CodeOptions{})
}

// CreateAreaWith is CreateArea with code options (the DB11 15-digit grid form).
func (t *Tx) CreateAreaWith(ctx context.Context, a *directory.Area, opt directory.CodeOptions) error {
	var parent *directory.Area
	if a.ParentID != 0 {
		p, err := scanArea(t.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE id = ?`, a.ParentID))
		if err != nil {
			return &account.FieldError{Field: "parent_id", Code: "area.parent_unknown", Detail: "no such parent area"}
		}
		parent = p
	}
	if err := directory.ValidateArea(a, parent); err != nil {
		return err
	}
	if err := checkAreaShape(a, parent, opt); err != nil {
		return err
	}
	return t.insertArea(ctx, a, parent)
}

// insertArea writes an area that has been validated.
func (t *Tx) insertArea(ctx context.Context, a *directory.Area, parent *directory.Area) error {
	props := a.Props
	if len(props) == 0 {
		props = json.RawMessage("{}")
	}
	var parentID any
	if a.ParentID != 0 {
		parentID = a.ParentID
	}
	id, err := t.InsertID(ctx, `INSERT INTO areas (parent_id, level, code, name, geometry, props, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		parentID, string(a.Level), a.Code, a.Name, nullJSON(a.Geometry), string(props), t.Now, t.Now)
	if errors.Is(err, ErrConflict) {
		return &account.FieldError{Field: "code", Code: "area.code_taken", Detail: "an area with code " + a.Code + " exists"}
	}
	if err != nil {
		return err
	}
	parentPath := "/"
	if parent != nil {
		parentPath = parent.Path
	}
	a.ID, a.Path, a.Created, a.Updated, a.Props = id, directory.ChildPath(parentPath, id), t.Now, t.Now, props
	if _, err := t.Exec(ctx, `UPDATE areas SET path = ? WHERE id = ?`, a.Path, id); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "area.create", Object: "area", ObjectID: id, After: areaViewOf(a), Detail: a.Code + " " + a.Name})
}

// UpdateArea changes an area's name, code, geometry and props (not its place in the tree).
func (t *Tx) UpdateArea(ctx context.Context, a *directory.Area) error {
	return t.UpdateAreaWith(ctx, a, directory.CodeOptions{})
}

// UpdateAreaWith is UpdateArea with code options. The code is checked against
// its standard only when it changes, so that a stored DB11 code does not need
// the option on every edit.
func (t *Tx) UpdateAreaWith(ctx context.Context, a *directory.Area, opt directory.CodeOptions) error {
	before, err := scanArea(t.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE id = ?`, a.ID))
	if err != nil {
		return err
	}
	a.Level, a.ParentID, a.Path = before.Level, before.ParentID, before.Path
	var parent *directory.Area
	if a.ParentID != 0 {
		parent, _ = scanArea(t.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE id = ?`, a.ParentID))
	}
	if err := directory.ValidateArea(a, parent); err != nil {
		return err
	}
	if len(a.Props) == 0 {
		a.Props = before.Props
	}
	if a.Code != before.Code || a.Level == directory.Town {
		if err := checkAreaShape(a, parent, opt); err != nil {
			return err
		}
	} else if directory.HasGeometry(a.Geometry) {
		if _, err := directory.CheckGeometry(a.Geometry); err != nil {
			return err
		}
	}
	return t.writeUpdate(ctx, a, before)
}

// writeUpdate writes a validated change of an area.
func (t *Tx) writeUpdate(ctx context.Context, a, before *directory.Area) error {
	_, err := t.Exec(ctx, `UPDATE areas SET code = ?, name = ?, geometry = ?, props = ?, updated_at = ? WHERE id = ?`,
		a.Code, a.Name, nullJSON(a.Geometry), string(a.Props), t.Now, a.ID)
	if errors.Is(err, ErrConflict) {
		return &account.FieldError{Field: "code", Code: "area.code_taken", Detail: "an area with code " + a.Code + " exists"}
	}
	if err != nil {
		return err
	}
	a.Created, a.Updated = before.Created, t.Now
	return t.Audit(ctx, Change{Action: "area.update", Object: "area", ObjectID: a.ID, Before: areaViewOf(before), After: areaViewOf(a), Detail: a.Code + " " + a.Name})
}

const areaCols = `id, COALESCE(parent_id, 0), level, code, name, path, geometry, props, created_at, updated_at`

func scanArea(row interface{ Scan(...any) error }) (*directory.Area, error) {
	a := &directory.Area{}
	var geom sql.NullString
	var props, level string
	err := row.Scan(&a.ID, &a.ParentID, &level, &a.Code, &a.Name, &a.Path, &geom, &props, &a.Created, &a.Updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	a.Level = directory.Level(level)
	if geom.Valid {
		a.Geometry = json.RawMessage(geom.String)
	}
	a.Props = json.RawMessage(props)
	return a, nil
}

// Area returns one area.
func (db *DB) Area(ctx context.Context, id int64) (*directory.Area, error) {
	return scanArea(db.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE id = ?`, id))
}

// AreaByCode returns the area with a standard code.
func (db *DB) AreaByCode(ctx context.Context, code string) (*directory.Area, error) {
	return scanArea(db.QueryRow(ctx, `SELECT `+areaCols+` FROM areas WHERE code = ?`, code))
}

// AreaFilter selects areas for a list. Scopes limit the result to those subtrees.
type AreaFilter struct {
	ParentID     int64
	Level        directory.Level
	Scopes       []string // paths; nil = no limit (callers pass the principal's)
	Unscoped     bool     // true to ignore Scopes (administrators, public maps)
	WithGeometry bool
	After        int64
	Limit        int
}

// ListAreas returns areas in id order after the cursor.
func (db *DB) ListAreas(ctx context.Context, f AreaFilter) ([]*directory.Area, error) {
	cols := areaCols
	if !f.WithGeometry {
		cols = `id, COALESCE(parent_id, 0), level, code, name, path, NULL, props, created_at, updated_at`
	}
	q := `SELECT ` + cols + ` FROM areas WHERE id > ?`
	args := []any{f.After}
	if f.ParentID != 0 {
		q += ` AND parent_id = ?`
		args = append(args, f.ParentID)
	}
	if f.Level != "" {
		q += ` AND level = ?`
		args = append(args, string(f.Level))
	}
	if !f.Unscoped {
		if len(f.Scopes) == 0 {
			return []*directory.Area{}, nil
		}
		q += ` AND (`
		for i, s := range f.Scopes {
			if i > 0 {
				q += ` OR `
			}
			// A byte range instead of LIKE: uses the path index on both databases.
			q += `(path >= ? AND path < ?)`
			args = append(args, s, s+"~")
		}
		q += `)`
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.Area{}
	for rows.Next() {
		a, err := scanArea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
