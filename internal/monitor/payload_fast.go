package monitor

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// parseFast reads a payload already known to be valid JSON without building
// maps: encoding/json spent most of the ingest path's parsing time on them.
// It declines (ok false) what it does not handle itself — escaped keys,
// duplicate keys — and ParseTelemetry falls back to encoding/json, so both
// paths give the same answer (FuzzParseFastMatchesStd).
func parseFast(b []byte, now int64, out []Reading) (_ []Reading, skipped int, err error, ok bool) {
	s := scanner{b: b}
	s.ws()
	if s.i >= len(b) {
		return out, 0, errf("telemetry.empty", "empty payload"), true
	}
	switch b[s.i] {
	case '{':
		out, skipped, err, ok = s.object(now, out)
	case '[':
		s.i++
		n := 0
		for {
			s.ws()
			if b[s.i] == ']' {
				break
			}
			if b[s.i] != '{' {
				return out[:0], 0, errf("telemetry.shape", "array item %d is not an object", n), true
			}
			var sk int
			if out, sk, err, ok = s.object(now, out); err != nil || !ok {
				return out[:0], 0, err, ok
			}
			skipped += sk
			n++
			s.ws()
			if b[s.i] == ',' {
				s.i++
			}
		}
		if n == 0 {
			return out, 0, errf("telemetry.empty", "empty array"), true
		}
	default:
		return out, 0, errf("telemetry.shape", "payload must be a JSON object or array"), true
	}
	if err != nil || !ok {
		return out[:0], 0, err, ok
	}
	if len(out) == 0 {
		return out, skipped, errf("telemetry.no_values", "no numeric values in the payload"), true
	}
	return out, skipped, nil, true
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// key reads a string without escapes; ok is false for an escaped one.
func (s *scanner) key() ([]byte, bool) {
	start := s.i + 1
	for j := start; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			return nil, false
		case '"':
			s.i = j + 1
			return s.b[start:j], true
		}
	}
	return nil, false
}

// value skips one value and returns its bytes.
func (s *scanner) value() []byte {
	start := s.i
	depth := 0
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			for s.i < len(s.b) && s.b[s.i] != '"' {
				if s.b[s.i] == '\\' {
					s.i++
				}
				s.i++
			}
			s.i++
			if depth == 0 {
				return s.b[start:s.i]
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return s.b[start:s.i]
			}
			depth--
			if depth == 0 {
				s.i++
				return s.b[start:s.i]
			}
		case c == ',' && depth == 0:
			return s.b[start:s.i]
		}
		s.i++
	}
	return s.b[start:s.i]
}

type pair struct{ k, v []byte }

// pairs reads an object's members (s.i at '{'); ok is false on an escaped
// or repeated key.
func (s *scanner) pairs(dst []pair) ([]pair, bool) {
	s.i++
	for {
		s.ws()
		if s.b[s.i] == '}' {
			s.i++
			return dst, true
		}
		k, ok := s.key()
		if !ok || !utf8.Valid(k) { // encoding/json turns invalid bytes into U+FFFD
			return dst, false
		}
		for _, p := range dst {
			if bytes.Equal(p.k, k) {
				return dst, false
			}
		}
		s.ws()
		s.i++ // ':'
		s.ws()
		v := bytes.TrimRight(s.value(), " \t\n\r")
		dst = append(dst, pair{k, v})
		s.ws()
		if s.b[s.i] == ',' {
			s.i++
		}
	}
}

func (s *scanner) object(now int64, out []Reading) ([]Reading, int, error, bool) {
	var arr [16]pair
	ps, ok := s.pairs(arr[:0])
	if !ok {
		return out, 0, nil, false
	}
	ts := now
	for _, p := range ps {
		if string(p.k) != "ts" {
			continue
		}
		var vals []byte
		for _, q := range ps {
			if string(q.k) == "values" {
				vals = q.v
			}
		}
		if vals == nil || len(ps) != 2 {
			return out, 0, errf("telemetry.shape", `an object with "ts" must be {"ts":ms,"values":{…}}`), true
		}
		t, err := strconv.ParseInt(string(p.v), 10, 64)
		if err != nil {
			return out, 0, errf("telemetry.ts", "ts must be unix milliseconds (a whole number)"), true
		}
		if t < minTS || t > now+maxAheadMS {
			return out, 0, errf("telemetry.ts", "ts %d is before 2000 or more than a day ahead of the server clock", t), true
		}
		ts = t
		if vals[0] != '{' {
			return out, 0, errf("telemetry.shape", `"values" must be an object`), true
		}
		inner := scanner{b: vals}
		if ps, ok = inner.pairs(arr[:0]); !ok {
			return out, 0, nil, false
		}
		break
	}
	skipped := 0
	for _, p := range ps {
		if len(out) >= MaxReadings {
			return out, 0, errf("telemetry.too_many", "more than %d values in one message", MaxReadings), true
		}
		k := string(p.k)
		if err := CheckKey(k); err != nil {
			return out, 0, err, true
		}
		v, ok := number(p.v)
		if !ok {
			skipped++
			continue
		}
		out = append(out, Reading{Key: k, TS: ts, Value: v})
	}
	return out, skipped, nil, true
}
