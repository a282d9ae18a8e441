package store

import (
	"context"
	"encoding/binary"
	"math"
	"sort"
	"strings"
)

// RawReading is one reading (latest values).
type RawReading struct {
	DeviceID int64
	Key      string
	TS       int64
	Value    float64
}

// RawChunk is a minute of one device key's raw points to append.
type RawChunk struct {
	DeviceID int64
	Key      string
	Bucket   int64 // the minute's start, unix ms
	N        int64
	Data     []byte // AppendPoint records
}

func blobType(d Dialect) string {
	if d == Postgres {
		return "BYTEA"
	}
	return "BLOB"
}

// PointSize is the stored size of one raw point.
const PointSize = 16

// AppendPoint encodes one raw point (ts, value) onto buf.
func AppendPoint(buf []byte, ts int64, v float64) []byte {
	buf = binary.LittleEndian.AppendUint64(buf, uint64(ts))
	return binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
}

// RollupCell is one roll-up bucket's contribution (or, read back, its total).
type RollupCell struct {
	Res      string // 1m 1h 1d
	DeviceID int64
	Key      string
	Bucket   int64
	Min, Max float64
	Sum      float64
	N        int64
}

// DeviceTouch is what one ingest batch changes on a device row.
type DeviceTouch struct {
	DeviceID int64
	LastSeen int64 // 0: unchanged
	Bad      int64 // bad payloads to add
	AQIHour  int64 // 0: unchanged
}

// Multi-row statements: one statement per chunk instead of one per row is
// what makes group commit pay on both databases (fewer round trips on
// PostgreSQL, fewer VM program runs on SQLite). 500 rows × ≤ 8 columns stays
// far below either database's bound on parameters.
const chunkRows = 500

func values(n, cols int) string {
	var b strings.Builder
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	b.Grow(n * (len(row) + 2))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// AppendReadings appends raw points to their minute rows. Chunks must be
// unique per (device, key, bucket) within one call.
func (t *Tx) AppendReadings(ctx context.Context, cs []RawChunk) error {
	args := make([]any, 0, 5*min(len(cs), chunkRows))
	for len(cs) > 0 {
		n := min(len(cs), chunkRows)
		args = args[:0]
		for _, c := range cs[:n] {
			args = append(args, c.DeviceID, c.Key, c.Bucket, c.N, c.Data)
		}
		// CAST: SQLite's || yields text; the cast keeps the bytes a blob.
		if _, err := t.Exec(ctx, `INSERT INTO readings (device_id, key, bucket, n, data) VALUES `+values(n, 5)+
			` ON CONFLICT (device_id, key, bucket) DO UPDATE SET n = readings.n + excluded.n, data = CAST(readings.data || excluded.data AS `+blobType(t.db.dialect)+`)`, args...); err != nil {
			return err
		}
		cs = cs[n:]
	}
	return nil
}

// AddRollups folds cells into the roll-ups (min, max, sum, count). Cells must
// be unique per (res, device, key, bucket) within one call.
func (t *Tx) AddRollups(ctx context.Context, cells []RollupCell) error {
	args := make([]any, 0, 8*min(len(cells), chunkRows))
	for len(cells) > 0 {
		n := min(len(cells), chunkRows)
		args = args[:0]
		for _, c := range cells[:n] {
			args = append(args, c.Res, c.DeviceID, c.Key, c.Bucket, c.Min, c.Max, c.Sum, c.N)
		}
		if _, err := t.Exec(ctx, `INSERT INTO reading_rollups (res, device_id, key, bucket, vmin, vmax, vsum, n) VALUES `+values(n, 8)+
			` ON CONFLICT (res, device_id, key, bucket) DO UPDATE SET
			vmin = CASE WHEN excluded.vmin < reading_rollups.vmin THEN excluded.vmin ELSE reading_rollups.vmin END,
			vmax = CASE WHEN excluded.vmax > reading_rollups.vmax THEN excluded.vmax ELSE reading_rollups.vmax END,
			vsum = reading_rollups.vsum + excluded.vsum, n = reading_rollups.n + excluded.n`, args...); err != nil {
			return err
		}
		cells = cells[n:]
	}
	return nil
}

// SetLatest records the newest value per (device, key); an older reading
// arriving late does not replace a newer one.
func (t *Tx) SetLatest(ctx context.Context, rs []RawReading) error {
	args := make([]any, 0, 4*min(len(rs), chunkRows))
	for len(rs) > 0 {
		n := min(len(rs), chunkRows)
		args = args[:0]
		for _, r := range rs[:n] {
			args = append(args, r.DeviceID, r.Key, r.TS, r.Value)
		}
		if _, err := t.Exec(ctx, `INSERT INTO readings_latest (device_id, key, ts, value) VALUES `+values(n, 4)+
			` ON CONFLICT (device_id, key) DO UPDATE SET ts = excluded.ts, value = excluded.value WHERE excluded.ts >= readings_latest.ts`, args...); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

// TouchDevices updates last_seen, the bad-payload counter and the last hour
// whose AQI was computed.
func (t *Tx) TouchDevices(ctx context.Context, ts []DeviceTouch) error {
	for _, d := range ts {
		if _, err := t.Exec(ctx, `UPDATE devices SET
			last_seen = CASE WHEN ? > last_seen THEN ? ELSE last_seen END,
			bad_payload_count = bad_payload_count + ?,
			aqi_hour = CASE WHEN ? > aqi_hour THEN ? ELSE aqi_hour END WHERE id = ?`,
			d.LastSeen, d.LastSeen, d.Bad, d.AQIHour, d.AQIHour, d.DeviceID); err != nil {
			return err
		}
	}
	return nil
}

// AQIHour is the start of the last hour whose AQI was computed for a device.
func (t *Tx) AQIHour(ctx context.Context, deviceID int64) (int64, error) {
	var h int64
	err := t.QueryRow(ctx, `SELECT aqi_hour FROM devices WHERE id = ?`, deviceID).Scan(&h)
	return h, classify(err)
}

// RollupSums returns key → (sum, count) of one device's bucket at a resolution.
func (t *Tx) RollupSums(ctx context.Context, deviceID int64, res string, bucket int64) (map[string][2]float64, error) {
	rows, err := t.Query(ctx, `SELECT key, vsum, n FROM reading_rollups WHERE res = ? AND device_id = ? AND bucket = ?`, res, deviceID, bucket)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][2]float64{}
	for rows.Next() {
		var k string
		var sum float64
		var n int64
		if err := rows.Scan(&k, &sum, &n); err != nil {
			return nil, err
		}
		out[k] = [2]float64{sum, float64(n)}
	}
	return out, rows.Err()
}

// Point is one point of a chart: a raw value, or a bucket's mean with its
// min, max and count.
type Point struct {
	TS    int64   `json:"ts"`
	Value float64 `json:"value"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	N     int64   `json:"n"`
}

// Readings returns a device key's points in [from, to) at a resolution
// ("raw", "1m", "1h", "1d"), oldest first, at most limit. Raw points
// repeated for the same ts (a QoS 1 redelivery) are shown once, the last.
func (db *DB) Readings(ctx context.Context, deviceID int64, key, res string, from, to int64, limit int) ([]Point, error) {
	if res == "raw" {
		return db.rawPoints(ctx, deviceID, key, from, to, limit)
	}
	rows, err := db.Query(ctx, `SELECT bucket, vsum / n, vmin, vmax, n FROM reading_rollups WHERE res = ? AND device_id = ? AND key = ? AND bucket >= ? AND bucket < ? ORDER BY bucket LIMIT ?`,
		res, deviceID, key, from, to, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Point{}
	for rows.Next() {
		var p Point
		if err := rows.Scan(&p.TS, &p.Value, &p.Min, &p.Max, &p.N); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) rawPoints(ctx context.Context, deviceID int64, key string, from, to int64, limit int) ([]Point, error) {
	rows, err := db.Query(ctx, `SELECT data FROM readings WHERE device_id = ? AND key = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
		deviceID, key, from-from%60000-60000, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Point{}
	var data []byte
	for rows.Next() && len(out) <= 4*limit {
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		for i := 0; i+PointSize <= len(data); i += PointSize {
			ts := int64(binary.LittleEndian.Uint64(data[i:]))
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i+8:]))
			if ts >= from && ts < to {
				out = append(out, Point{TS: ts, Value: v, Min: v, Max: v, N: 1})
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Points arrive in order almost always; a stable sort keeps the last of
	// equal timestamps last, and the pass below keeps only it.
	sort.SliceStable(out, func(i, j int) bool { return out[i].TS < out[j].TS })
	dedup := out[:0]
	for i, p := range out {
		if i+1 < len(out) && out[i+1].TS == p.TS {
			continue
		}
		dedup = append(dedup, p)
	}
	if len(dedup) > limit {
		dedup = dedup[:limit]
	}
	return dedup, nil
}

// RawCount is the number of raw points stored for a device key (tests, ops).
func (db *DB) RawCount(ctx context.Context, deviceID int64, key string) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM readings WHERE device_id = ? AND key = ?`, deviceID, key).Scan(&n)
	return n, err
}

// Latest is a key's newest value.
type Latest struct {
	TS    int64   `json:"ts"`
	Value float64 `json:"value"`
}

// LatestReadings returns the newest value of every key of the devices.
func (db *DB) LatestReadings(ctx context.Context, ids []int64) (map[int64]map[string]Latest, error) {
	out := map[int64]map[string]Latest{}
	for len(ids) > 0 {
		n := min(len(ids), chunkRows)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.Query(ctx, `SELECT device_id, key, ts, value FROM readings_latest WHERE device_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var k string
			var l Latest
			if err := rows.Scan(&id, &k, &l.TS, &l.Value); err != nil {
				rows.Close()
				return nil, err
			}
			if out[id] == nil {
				out[id] = map[string]Latest{}
			}
			out[id][k] = l
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// PruneReadings deletes raw readings older than before, walking the primary
// key per (device, key) so that no index on ts alone is needed. It returns the
// rows deleted.
func (t *Tx) PruneReadings(ctx context.Context, before int64) (int64, error) {
	rows, err := t.Query(ctx, `SELECT device_id, key FROM readings_latest`)
	if err != nil {
		return 0, err
	}
	type dk struct {
		id  int64
		key string
	}
	var pairs []dk
	for rows.Next() {
		var p dk
		if err := rows.Scan(&p.id, &p.key); err != nil {
			rows.Close()
			return 0, err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	var total int64
	for _, p := range pairs {
		res, err := t.Exec(ctx, `DELETE FROM readings WHERE device_id = ? AND key = ? AND bucket < ?`, p.id, p.key, before-before%60000)
		if err != nil {
			return total, err
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// PruneRollups deletes one resolution's buckets older than before.
func (t *Tx) PruneRollups(ctx context.Context, res string, before int64) (int64, error) {
	r, err := t.Exec(ctx, `DELETE FROM reading_rollups WHERE res = ? AND bucket < ?`, res, before)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
