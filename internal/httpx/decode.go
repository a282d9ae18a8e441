package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Decode reads a JSON body into v strictly: the right content type, one
// object, no unknown fields, types as declared. Every failure is a 4xx problem
// that names where the body is wrong.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return Errorf(http.StatusUnsupportedMediaType, "content_type", "send application/json, not %q", ct)
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Errorf(http.StatusBadRequest, "json_trailing", "the body must hold exactly one JSON value")
	}
	return nil
}

func decodeProblem(err error) *Problem {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return Errorf(http.StatusRequestEntityTooLarge, "body_too_large", "the body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, io.EOF):
		return Errorf(http.StatusBadRequest, "json_empty", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(http.StatusBadRequest, "json_syntax", "the JSON body ends too early")
	case errors.As(err, &syn):
		return Errorf(http.StatusBadRequest, "json_syntax", "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		p := Errorf(http.StatusBadRequest, "json_type", "%s: expected %s, got JSON %s (at byte %d)", field, typ.Type, typ.Value, typ.Offset)
		p.Errors = append(p.Errors, fieldErr(field, "json_type", fmt.Sprintf("expected %s, got %s", typ.Type, typ.Value)))
		return p
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		p := Errorf(http.StatusBadRequest, "json_unknown_field", "unknown field %q", name)
		p.Errors = append(p.Errors, fieldErr(name, "json_unknown_field", "not a field of this request"))
		return p
	}
	var pe *Problem
	if errors.As(err, &pe) {
		return pe
	}
	return Errorf(http.StatusBadRequest, "json_invalid", "%v", err)
}
