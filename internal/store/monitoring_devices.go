package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"towngrid/internal/account"
	"towngrid/internal/monitor"
)

// Device access tokens follow the API keys' scheme (account/secret.go): a
// public lookup prefix and a random secret, stored only as a SHA-256 hash.
// Devices send the whole token as the MQTT username or in the HTTP path, as
// ThingsBoard devices do.

// NewDeviceToken returns a token "tgd_<prefix>_<secret>" and its prefix.
func NewDeviceToken() (token, prefix string) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	prefix = hex.EncodeToString(b)
	return "tgd_" + prefix + "_" + account.RandomToken(24), prefix
}

func deviceTokenPrefix(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, "tgd_")
	if !ok {
		return "", false
	}
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || len(prefix) != 10 || len(secret) < 30 {
		return "", false
	}
	return prefix, true
}

const deviceCols = `id, name, kind, token_prefix, area_id, area_path, lon, lat, noise_zone, air_class, water_body, water_target, attributes, active, last_seen, bad_payload_count, created_at, updated_at`

func scanDevice(row interface{ Scan(...any) error }) (*monitor.Device, error) {
	d := &monitor.Device{}
	var lon, lat sql.NullFloat64
	var attrs string
	err := row.Scan(&d.ID, &d.Name, &d.Kind, &d.TokenPrefix, &d.AreaID, &d.AreaPath, &lon, &lat, &d.NoiseZone, &d.AirClass, &d.WaterBody, &d.WaterTarget,
		&attrs, &d.Active, &d.LastSeen, &d.BadPayloadCount, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return nil, classify(err)
	}
	d.Lon, d.Lat = floatPtr(lon), floatPtr(lat)
	d.Attributes = map[string]float64{}
	_ = json.Unmarshal([]byte(attrs), &d.Attributes)
	return d, nil
}

func deviceView(d *monitor.Device) any {
	v := *d
	v.LastSeen, v.BadPayloadCount = 0, 0 // counters are not part of the audited record
	return v
}

func fieldErr(fe *monitor.FieldError) error {
	return &account.FieldError{Field: fe.Field, Code: fe.Code, Detail: fe.Detail}
}

func (t *Tx) deviceArea(ctx context.Context, d *monitor.Device) error {
	if err := t.QueryRow(ctx, `SELECT path FROM areas WHERE id = ?`, d.AreaID).Scan(&d.AreaPath); err != nil {
		return &account.FieldError{Field: "area_id", Code: "device.area_unknown", Detail: "no such area"}
	}
	return nil
}

// CreateDevice stores a device and returns its access token (shown once).
func (t *Tx) CreateDevice(ctx context.Context, d *monitor.Device) (string, error) {
	if fe := d.Validate(); fe != nil {
		return "", fieldErr(fe)
	}
	if err := t.deviceArea(ctx, d); err != nil {
		return "", err
	}
	token, prefix := NewDeviceToken()
	d.TokenPrefix, d.Active, d.CreatedAt, d.UpdatedAt = prefix, true, t.Now, t.Now
	id, err := t.InsertID(ctx, `INSERT INTO devices (name, kind, token_prefix, token_hash, area_id, area_path, lon, lat, noise_zone, air_class, water_body, water_target, attributes, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Name, d.Kind, prefix, account.TokenHash(token), d.AreaID, d.AreaPath, nullFloat(d.Lon), nullFloat(d.Lat), d.NoiseZone, d.AirClass, d.WaterBody, d.WaterTarget,
		d.AttributesJSON(), true, t.Now, t.Now)
	if err != nil {
		return "", err
	}
	d.ID = id
	return token, t.Audit(ctx, Change{Action: "device.create", Object: "device", ObjectID: id, After: deviceView(d), Detail: d.Kind + " " + d.Name})
}

// UpdateDevice replaces a device's editable fields.
func (t *Tx) UpdateDevice(ctx context.Context, d *monitor.Device) error {
	before, err := scanDevice(t.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = ?`+t.db.dialect.ForUpdate(), d.ID))
	if err != nil {
		return err
	}
	if fe := d.Validate(); fe != nil {
		return fieldErr(fe)
	}
	if err := t.deviceArea(ctx, d); err != nil {
		return err
	}
	d.TokenPrefix, d.LastSeen, d.BadPayloadCount, d.CreatedAt, d.UpdatedAt = before.TokenPrefix, before.LastSeen, before.BadPayloadCount, before.CreatedAt, t.Now
	if _, err := t.Exec(ctx, `UPDATE devices SET name = ?, kind = ?, area_id = ?, area_path = ?, lon = ?, lat = ?, noise_zone = ?, air_class = ?, water_body = ?, water_target = ?,
		attributes = ?, active = ?, updated_at = ? WHERE id = ?`,
		d.Name, d.Kind, d.AreaID, d.AreaPath, nullFloat(d.Lon), nullFloat(d.Lat), d.NoiseZone, d.AirClass, d.WaterBody, d.WaterTarget,
		d.AttributesJSON(), d.Active, t.Now, d.ID); err != nil {
		return err
	}
	return t.Audit(ctx, Change{Action: "device.update", Object: "device", ObjectID: d.ID, Before: deviceView(before), After: deviceView(d), Detail: d.Name})
}

// RotateDeviceToken replaces a device's token; the old one stops working.
func (t *Tx) RotateDeviceToken(ctx context.Context, id int64) (string, error) {
	token, prefix := NewDeviceToken()
	res, err := t.Exec(ctx, `UPDATE devices SET token_prefix = ?, token_hash = ?, updated_at = ? WHERE id = ?`, prefix, account.TokenHash(token), t.Now, id)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", ErrNotFound
	}
	return token, t.Audit(ctx, Change{Action: "device.rotate_token", Object: "device", ObjectID: id, Detail: "new prefix " + prefix})
}

// RetireDevice deactivates a device and voids its token; its readings and
// alarms stay for the record.
func (t *Tx) RetireDevice(ctx context.Context, id int64) error {
	_, prefix := NewDeviceToken()
	res, err := t.Exec(ctx, `UPDATE devices SET active = ?, token_prefix = ?, token_hash = '', updated_at = ? WHERE id = ? AND active = ?`, false, "x"+prefix, t.Now, id, true)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.Audit(ctx, Change{Action: "device.retire", Object: "device", ObjectID: id, Detail: "retired"})
}

// Device reads one device.
func (db *DB) Device(ctx context.Context, id int64) (*monitor.Device, error) {
	return scanDevice(db.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = ?`, id))
}

// ErrBadToken is returned for an unknown, malformed or retired device token.
var ErrBadToken = errors.New("invalid device token")

// DeviceByToken authenticates a device token.
func (db *DB) DeviceByToken(ctx context.Context, token string) (*monitor.Device, error) {
	prefix, ok := deviceTokenPrefix(token)
	if !ok {
		return nil, ErrBadToken
	}
	var hash string
	row := db.QueryRow(ctx, `SELECT `+deviceCols+`, token_hash FROM devices WHERE token_prefix = ?`, prefix)
	d := &monitor.Device{}
	var lon, lat sql.NullFloat64
	var attrs string
	err := row.Scan(&d.ID, &d.Name, &d.Kind, &d.TokenPrefix, &d.AreaID, &d.AreaPath, &lon, &lat, &d.NoiseZone, &d.AirClass, &d.WaterBody, &d.WaterTarget,
		&attrs, &d.Active, &d.LastSeen, &d.BadPayloadCount, &d.CreatedAt, &d.UpdatedAt, &hash)
	if err != nil || !d.Active || hash == "" || hash != account.TokenHash(token) {
		return nil, ErrBadToken
	}
	d.Lon, d.Lat = floatPtr(lon), floatPtr(lat)
	d.Attributes = map[string]float64{}
	_ = json.Unmarshal([]byte(attrs), &d.Attributes)
	return d, nil
}

// DeviceFilter selects devices for a list.
type DeviceFilter struct {
	Scope  Scope
	Kind   string
	Active *bool
	After  int64
	Limit  int
}

// scopeWhere appends the scope on a table's own area_path column.
func scopeWhere(q *strings.Builder, args *[]any, s Scope, col string) bool {
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
		q.WriteString(`(` + col + ` >= ? AND ` + col + ` < ?)`)
		*args = append(*args, p, p+"~")
	}
	q.WriteString(`)`)
	return true
}

// ListDevices returns devices in id order after the cursor.
func (db *DB) ListDevices(ctx context.Context, f DeviceFilter) ([]*monitor.Device, error) {
	var q strings.Builder
	args := []any{f.After}
	q.WriteString(`SELECT ` + deviceCols + ` FROM devices WHERE id > ?`)
	if !scopeWhere(&q, &args, f.Scope, "area_path") {
		return []*monitor.Device{}, nil
	}
	if f.Kind != "" {
		q.WriteString(` AND kind = ?`)
		args = append(args, f.Kind)
	}
	if f.Active != nil {
		q.WriteString(` AND active = ?`)
		args = append(args, *f.Active)
	}
	q.WriteString(` ORDER BY id LIMIT ?`)
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*monitor.Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
