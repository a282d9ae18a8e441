// Package monitor is the pure core of monitoring (三生监测): the ThingsBoard
// telemetry payloads devices send, the values derived from readings by the
// environmental standards in force on the reading's date, alarm rules with
// ThingsBoard's semantics, and CAP 1.2 documents for public alarms. It knows
// nothing of MQTT, HTTP or SQL.
package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Error is a refusal with a stable machine code and an English detail.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Reading is one numeric value of one key at one instant (unix ms).
type Reading struct {
	Key   string
	TS    int64
	Value float64
}

// Payload limits: a device message is small; anything larger is a mistake or
// an attack, and is refused before it costs storage.
const (
	MaxPayloadBytes = 64 << 10
	MaxReadings     = 1000
	MaxKeyLen       = 64
	// Timestamps must lie between 2000-01-01 and a day after the receive
	// time: a device with a wrong clock must not write readings into the
	// far future, where they would dominate charts and retention.
	minTS      = 946684800000
	maxAheadMS = 24 * 3600 * 1000
)

// ParseTelemetry reads a ThingsBoard telemetry payload: {"k":v},
// [{"k":v},…], {"ts":ms,"values":{…}} or an array of those. now (unix ms) is
// the timestamp of values sent without one. Numbers and booleans (1/0) are
// kept; strings, nulls and nested objects are skipped and counted in skipped
// (towngrid stores numeric telemetry only). buf is reused when it has room.
func ParseTelemetry(b []byte, now int64, buf []Reading) (out []Reading, skipped int, err error) {
	if len(b) <= MaxPayloadBytes && json.Valid(b) {
		if out, skipped, err, ok := parseFast(b, now, buf[:0]); ok {
			return out, skipped, err
		}
	}
	return parseTelemetryStd(b, now, buf)
}

// parseTelemetryStd is the encoding/json reading of a payload: the reference
// the fast path is fuzzed against, and the path for what the fast one
// declines (escaped keys).
func parseTelemetryStd(b []byte, now int64, buf []Reading) (out []Reading, skipped int, err error) {
	out = buf[:0]
	if len(b) > MaxPayloadBytes {
		return out, 0, errf("telemetry.too_large", "payload is larger than %d bytes", MaxPayloadBytes)
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return out, 0, errf("telemetry.empty", "empty payload")
	}
	switch b[0] {
	case '{':
		out, skipped, err = parseObject(b, now, out)
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(b, &items); err != nil {
			return out[:0], 0, errf("telemetry.json", "not JSON: %v", err)
		}
		if len(items) == 0 {
			return out, 0, errf("telemetry.empty", "empty array")
		}
		for i, it := range items {
			it = bytes.TrimSpace(it)
			if len(it) == 0 || it[0] != '{' {
				return out[:0], 0, errf("telemetry.shape", "array item %d is not an object", i)
			}
			var s int
			if out, s, err = parseObject(it, now, out); err != nil {
				return out[:0], 0, err
			}
			skipped += s
		}
	default:
		return out, 0, errf("telemetry.shape", "payload must be a JSON object or array")
	}
	if err != nil {
		return out[:0], 0, err
	}
	if len(out) == 0 {
		return out, skipped, errf("telemetry.no_values", "no numeric values in the payload")
	}
	return out, skipped, nil
}

func parseObject(b []byte, now int64, out []Reading) ([]Reading, int, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return out, 0, errf("telemetry.json", "not JSON: %v", err)
	}
	ts := now
	if rawTS, ok := m["ts"]; ok {
		vals, ok := m["values"]
		if !ok || len(m) != 2 {
			return out, 0, errf("telemetry.shape", `an object with "ts" must be {"ts":ms,"values":{…}}`)
		}
		t, err := strconv.ParseInt(string(bytes.TrimSpace(rawTS)), 10, 64)
		if err != nil {
			return out, 0, errf("telemetry.ts", "ts must be unix milliseconds (a whole number)")
		}
		if t < minTS || t > now+maxAheadMS {
			return out, 0, errf("telemetry.ts", "ts %d is before 2000 or more than a day ahead of the server clock", t)
		}
		ts = t
		vals = bytes.TrimSpace(vals)
		if len(vals) == 0 || vals[0] != '{' {
			return out, 0, errf("telemetry.shape", `"values" must be an object`)
		}
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(vals, &inner); err != nil {
			return out, 0, errf("telemetry.json", "values: %v", err)
		}
		m = inner
	}
	skipped := 0
	for k, raw := range m {
		if len(out) >= MaxReadings {
			return out, 0, errf("telemetry.too_many", "more than %d values in one message", MaxReadings)
		}
		if err := CheckKey(k); err != nil {
			return out, 0, err
		}
		v, ok := number(raw)
		if !ok {
			skipped++
			continue
		}
		out = append(out, Reading{Key: k, TS: ts, Value: v})
	}
	return out, skipped, nil
}

// CheckKey accepts 1–64 bytes of printable UTF-8 without spaces or quotes,
// which is what charts and alarm rules can name.
func CheckKey(k string) error {
	if k == "" || len(k) > MaxKeyLen || !utf8.ValidString(k) {
		return errf("telemetry.key", "keys are 1–%d bytes of UTF-8", MaxKeyLen)
	}
	for _, r := range k {
		if r <= ' ' || r == '"' || r == '\'' || r == '\\' || r == 0x7f {
			return errf("telemetry.key", "key %q holds a space, quote or control character", k)
		}
	}
	return nil
}

func number(raw json.RawMessage) (float64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, false
	}
	switch c := raw[0]; {
	case c == '-' || (c >= '0' && c <= '9'):
		v, err := strconv.ParseFloat(string(raw), 64)
		return v, err == nil
	case bytes.Equal(raw, []byte("true")):
		return 1, true
	case bytes.Equal(raw, []byte("false")):
		return 0, true
	}
	return 0, false
}
