package store

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"towngrid/internal/codes"
	"towngrid/internal/directory"
	"towngrid/internal/secretbox"
)

// Residents: the ID number and phone are sealed with the master key before
// they reach the database; the blind index finds a person by ID number and
// catches duplicates without decrypting. Reads return masked values; only
// ResidentClear (for a caller allowed to unmask, audited by the caller)
// opens the sealed columns.

// Sealing contexts: a value sealed for one column does not open as another.
const (
	sealID    = "resident.id_number"
	sealPhone = "resident.phone"
	indexID   = "idcard"
)

// ErrNoKey is returned when personal data must be sealed or opened but no
// master key is available.
var ErrNoKey = errors.New("store: no master key for personal data")

const resCols = `r.id, r.name, r.id_masked, r.phone_masked, r.address, r.area_id, COALESCE(r.grid_id, 0), r.consent_at, r.tags, r.created_at, r.updated_at`

func scanResident(row interface{ Scan(...any) error }) (*directory.Resident, error) {
	r := &directory.Resident{Masked: true}
	var tags string
	err := row.Scan(&r.ID, &r.Name, &r.IDNumber, &r.Phone, &r.Address, &r.AreaID, &r.GridID, &r.ConsentAt, &tags, &r.Created, &r.Updated)
	if err != nil {
		return nil, classify(err)
	}
	if json.Unmarshal([]byte(tags), &r.Tags) != nil || r.Tags == nil {
		r.Tags = []string{}
	}
	return r, nil
}

// residentView is the audit digest: no ID number or phone, not even sealed.
type residentView struct {
	Name, Address  string
	AreaID, GridID int64
	ConsentAt      int64
	Tags           []string
}

func resView(r *directory.Resident) residentView {
	return residentView{r.Name, r.Address, r.AreaID, r.GridID, r.ConsentAt, r.Tags}
}

// ResidentIndex is the blind index of an ID number (after validation and
// conversion to 18 characters).
func ResidentIndex(box *secretbox.Box, idNumber string) (string, error) {
	n, err := directory.NormalizeIDNumber(idNumber, codeRules)
	if err != nil {
		return "", err
	}
	return box.Index(indexID, n), nil
}

func (t *Tx) writeResident(ctx context.Context, box *secretbox.Box, r *directory.Resident, create bool) error {
	if box == nil {
		return ErrNoKey
	}
	if err := directory.ValidateResident(r, codeRules, t.Now); err != nil {
		return err
	}
	if _, err := t.placement(ctx, &r.AreaID, &r.GridID); err != nil {
		return err
	}
	idSealed := box.Seal([]byte(r.IDNumber), sealID)
	idIndex := box.Index(indexID, r.IDNumber)
	idMasked := codes.MaskIDCard(r.IDNumber)
	var phoneSealed any
	phoneMasked := ""
	if r.Phone != "" {
		phoneSealed, phoneMasked = box.Seal([]byte(r.Phone), sealPhone), codes.MaskMobile(r.Phone)
	}
	tags, _ := json.Marshal(r.Tags)
	var err error
	if create {
		r.ID, err = t.InsertID(ctx, `INSERT INTO residents (name, id_sealed, id_index, id_masked, phone_sealed, phone_masked, address, area_id, grid_id, consent_at, tags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.Name, idSealed, idIndex, idMasked, phoneSealed, phoneMasked, r.Address, r.AreaID, nullID(r.GridID), r.ConsentAt, string(tags), t.Now, t.Now)
		r.Created = t.Now
	} else {
		_, err = t.Exec(ctx, `UPDATE residents SET name = ?, id_sealed = ?, id_index = ?, id_masked = ?, phone_sealed = ?, phone_masked = ?, address = ?, area_id = ?, grid_id = ?, consent_at = ?, tags = ?, updated_at = ? WHERE id = ?`,
			r.Name, idSealed, idIndex, idMasked, phoneSealed, phoneMasked, r.Address, r.AreaID, nullID(r.GridID), r.ConsentAt, string(tags), t.Now, r.ID)
	}
	if err != nil {
		return unique(err, "id_number", "resident.duplicate", "a resident with this ID number is already recorded")
	}
	r.Updated = t.Now
	// From here on the record carries only masked values.
	r.IDNumber, r.Phone, r.Masked = idMasked, phoneMasked, true
	return nil
}

// CreateResident stores a resident recorded with consent; the ID number and
// phone are sealed, and a second record with the same ID number is refused.
func (t *Tx) CreateResident(ctx context.Context, box *secretbox.Box, r *directory.Resident) error {
	if err := t.writeResident(ctx, box, r, true); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "resident.create", Object: "resident", ObjectID: r.ID, After: resView(r), Detail: "resident recorded"})
}

// UpdateResident replaces a resident's fields (the ID number and phone are
// given in clear again, since the caller re-enters them).
func (t *Tx) UpdateResident(ctx context.Context, box *secretbox.Box, r *directory.Resident) error {
	before, err := scanResident(t.QueryRow(ctx, `SELECT `+resCols+` FROM residents r WHERE r.id = ?`+t.Dialect().ForUpdate(), r.ID))
	if err != nil {
		return err
	}
	if err := t.writeResident(ctx, box, r, false); err != nil {
		return err
	}
	r.Created = before.Created
	return t.Audit(ctx, Change{Action: "resident.update", Object: "resident", ObjectID: r.ID, Before: resView(before), After: resView(r), Detail: "resident changed"})
}

// DeleteResident removes a resident (e.g. when consent is withdrawn).
func (t *Tx) DeleteResident(ctx context.Context, id int64) error {
	res, err := t.Exec(ctx, `DELETE FROM residents WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.Audit(ctx, Change{Action: "resident.delete", Object: "resident", ObjectID: id, Detail: "resident removed"})
}

// AuditUnmask records that the actor saw a resident's personal data in clear.
func (t *Tx) AuditUnmask(ctx context.Context, id int64, why string) error {
	return t.Audit(ctx, Change{Action: "resident.unmask", Object: "resident", ObjectID: id, Detail: why})
}

// ResidentFilter selects residents.
type ResidentFilter struct {
	Scope    Scope
	Query    string // part of the name
	Tag      string
	AreaPath string
	GridID   int64
	IDIndex  string // blind index of an ID number
	After    int64
	Limit    int
}

// ListResidents returns residents (masked) in id order after the cursor.
func (db *DB) ListResidents(ctx context.Context, f ResidentFilter) ([]*directory.Resident, error) {
	var q strings.Builder
	q.WriteString(`SELECT ` + resCols + ` FROM residents r JOIN areas ar ON ar.id = r.area_id WHERE r.id > ?`)
	args := []any{f.After}
	if !f.Scope.where(&q, &args) {
		return []*directory.Resident{}, nil
	}
	if f.Query != "" {
		q.WriteString(` AND r.name LIKE ?`)
		args = append(args, "%"+f.Query+"%")
	}
	if f.Tag != "" {
		// Tags are a JSON array of strings: match the quoted element.
		b, _ := json.Marshal(f.Tag)
		q.WriteString(` AND r.tags LIKE ?`)
		args = append(args, "%"+string(b)+"%")
	}
	if f.AreaPath != "" {
		subtree(&q, &args, f.AreaPath)
	}
	if f.GridID > 0 {
		q.WriteString(` AND r.grid_id = ?`)
		args = append(args, f.GridID)
	}
	if f.IDIndex != "" {
		q.WriteString(` AND r.id_index = ?`)
		args = append(args, f.IDIndex)
	}
	q.WriteString(` ORDER BY r.id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*directory.Resident{}
	for rows.Next() {
		r, err := scanResident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Resident returns one resident (masked) when it lies in the scope.
func (db *DB) Resident(ctx context.Context, id int64, s Scope) (*directory.Resident, error) {
	rs, err := db.ListResidents(ctx, ResidentFilter{Scope: s, After: id - 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || rs[0].ID != id {
		return nil, ErrNotFound
	}
	return rs[0], nil
}

// ResidentByIDNumber finds a resident (masked) by ID number through the blind index.
func (db *DB) ResidentByIDNumber(ctx context.Context, box *secretbox.Box, idNumber string, s Scope) (*directory.Resident, error) {
	if box == nil {
		return nil, ErrNoKey
	}
	idx, err := ResidentIndex(box, idNumber)
	if err != nil {
		return nil, err
	}
	rs, err := db.ListResidents(ctx, ResidentFilter{Scope: s, IDIndex: idx, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ErrNotFound
	}
	return rs[0], nil
}

// ResidentClear fills r's ID number and phone in clear from the sealed
// columns. The caller must hold ResidentsUnmask and audit the read
// (Tx.AuditUnmask) before showing the result.
func (db *DB) ResidentClear(ctx context.Context, box *secretbox.Box, r *directory.Resident) error {
	if box == nil {
		return ErrNoKey
	}
	var idSealed, phoneSealed []byte
	if err := db.QueryRow(ctx, `SELECT id_sealed, phone_sealed FROM residents WHERE id = ?`, r.ID).Scan(&idSealed, &phoneSealed); err != nil {
		return classify(err)
	}
	id, err := box.Open(idSealed, sealID)
	if err != nil {
		return err
	}
	r.IDNumber = string(id)
	r.Phone = ""
	if len(phoneSealed) > 0 {
		p, err := box.Open(phoneSealed, sealPhone)
		if err != nil {
			return err
		}
		r.Phone = string(p)
	}
	r.Masked = false
	return nil
}
