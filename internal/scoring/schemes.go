package scoring

import (
	"bytes"
	"embed"
	"encoding/json"
	"io/fs"
	"sort"
	"strings"
)

// Seeded schemes from standards.md §1.2, embedded so that a fresh install (and an
// offline analyst) has them; the storage layer copies them into its rules table.
//
//go:embed schemes/*.json
var seedFS embed.FS

// SeedIDs lists the embedded schemes' ids, sorted.
func SeedIDs() []string {
	ents, _ := fs.ReadDir(seedFS, "schemes")
	ids := make([]string, 0, len(ents))
	for _, e := range ents {
		ids = append(ids, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(ids)
	return ids
}

// Seed returns a fresh copy of the embedded scheme id (callers may modify it).
func Seed(id string) (*Scheme, error) {
	b, err := seedFS.ReadFile("schemes/" + id + ".json")
	if err != nil {
		return nil, errf("scheme.unknown", "no seeded scheme %q", id)
	}
	return ParseScheme(b)
}

// ParseScheme decodes and validates a scheme from JSON; unknown fields are
// rejected so that a misspelt key in an edited scheme is not silently ignored.
func ParseScheme(b []byte) (*Scheme, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Scheme
	if err := dec.Decode(&s); err != nil {
		return nil, errf("scheme.json", "%v", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}
