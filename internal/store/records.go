package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"

	"towngrid/internal/account"
	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/workflow"
)

// Helpers shared by the directory records (departments, enterprises,
// components, residents): area scope, area/grid resolution, category tables.

// Scope limits a read to the caller's areas: a record is visible when the
// path of its area lies under one of Paths. All (administrators) sees everything.
type Scope struct {
	Paths []string
	All   bool
}

// ScopeOf is the scope of a principal; admins are unscoped.
func ScopeOf(p *account.Principal) Scope {
	return Scope{Paths: p.Scopes, All: p.Has(account.Admin)}
}

// Contains reports whether an area path lies in the scope.
func (s Scope) Contains(path string) bool {
	if s.All {
		return true
	}
	for _, p := range s.Paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// where appends the scope condition on the joined areas alias "ar". It
// reports false when the scope is empty (nothing is visible).
func (s Scope) where(q *strings.Builder, args *[]any) bool {
	if s.All {
		return true
	}
	if len(s.Paths) == 0 {
		return false
	}
	q.WriteString(` AND (`)
	for i, p := range s.Paths {
		if i > 0 {
			q.WriteString(` OR `)
		}
		// A byte range instead of LIKE: uses the path index on both databases.
		q.WriteString(`(ar.path >= ? AND ar.path < ?)`)
		*args = append(*args, p, p+"~")
	}
	q.WriteString(`)`)
	return true
}

// SubtreeOf narrows a list to one area and below it; it returns the path
// range condition on alias "ar".
func subtree(q *strings.Builder, args *[]any, path string) {
	q.WriteString(` AND ar.path >= ? AND ar.path < ?`)
	*args = append(*args, path, path+"~")
}

// placement resolves a record's area and optional grid inside a write: both
// must exist, the grid must be a unit grid, and it must lie in the area. When
// only a grid is given, the grid is the area. It returns the area's path.
func (t *Tx) placement(ctx context.Context, areaID, gridID *int64) (string, error) {
	if *areaID <= 0 && *gridID > 0 {
		*areaID = *gridID
	}
	var path string
	if err := t.QueryRow(ctx, `SELECT path FROM areas WHERE id = ?`, *areaID).Scan(&path); err != nil {
		return "", &account.FieldError{Field: "area_id", Code: "record.area_unknown", Detail: "no such area"}
	}
	if *gridID > 0 {
		var gpath, level string
		if err := t.QueryRow(ctx, `SELECT path, level FROM areas WHERE id = ?`, *gridID).Scan(&gpath, &level); err != nil {
			return "", &account.FieldError{Field: "grid_id", Code: "record.grid_unknown", Detail: "no such grid"}
		}
		if directory.Level(level) != directory.Grid {
			return "", &account.FieldError{Field: "grid_id", Code: "record.grid_level", Detail: "grid_id must be a unit grid (单元网格)"}
		}
		if !strings.HasPrefix(gpath, path) {
			return "", &account.FieldError{Field: "grid_id", Code: "record.grid_outside", Detail: "the grid does not lie in the record's area"}
		}
	}
	return path, nil
}

// AreaPath returns the path of an area (ErrNotFound when it does not exist).
func (db *DB) AreaPath(ctx context.Context, id int64) (string, error) {
	var p string
	err := db.QueryRow(ctx, `SELECT path FROM areas WHERE id = ?`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return p, err
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

// codeRules are the seeded code tables; read-only after start.
var codeRules = codes.DefaultRules()

// CodeRules returns the code validation tables the store uses.
func CodeRules() *codes.Rules { return codeRules }

// categories is the seeded category table (workflow/categories.json), parsed once.
var categories = sync.OnceValues(workflow.SeedCategories)

// KnownCategory reports whether code is a seeded 小类 (C0101) or 大类 (C01).
func KnownCategory(code string) bool {
	t, err := categories()
	if err != nil {
		return false
	}
	if _, ok := t.Get(code); ok {
		return true
	}
	if len(code) == 3 {
		for _, m := range t.Majors {
			if (m.Class == "component" && code == "C"+m.Code) || (m.Class == "event" && code == "E"+m.Code) {
				return true
			}
		}
	}
	return false
}

// ComponentClassNames names the 大类 and 小类 of a component category code.
func ComponentClassNames(code string) (major, minor string, ok bool) {
	t, err := categories()
	if err != nil {
		return "", "", false
	}
	c, ok := t.Get(code)
	if !ok {
		return "", "", false
	}
	for _, m := range t.Majors {
		if m.Class == c.Class && m.Code == c.Major {
			major = m.Name
		}
	}
	return major, c.Name, true
}

// unique maps a unique violation to a field error.
func unique(err error, field, code, detail string) error {
	if errors.Is(err, ErrConflict) {
		return &account.FieldError{Field: field, Code: code, Detail: detail}
	}
	return err
}
