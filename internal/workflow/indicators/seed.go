package indicators

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed schemes.json
var schemesJSON []byte

// SeedSchemes returns fresh copies of the seeded evaluation schemes (§5.6),
// each carrying the shared A–E grade bands. The caller stores them as
// versioned rules that an administrator may edit.
func SeedSchemes() ([]Scheme, error) {
	var doc struct {
		Grades  []Band   `json:"grades"`
		Schemes []Scheme `json:"schemes"`
	}
	if err := json.Unmarshal(schemesJSON, &doc); err != nil {
		return nil, fmt.Errorf("indicators: seed: %w", err)
	}
	for i := range doc.Schemes {
		if doc.Schemes[i].Grades == nil {
			doc.Schemes[i].Grades = append([]Band(nil), doc.Grades...)
		}
		if err := doc.Schemes[i].Validate(); err != nil {
			return nil, err
		}
	}
	return doc.Schemes, nil
}

// Values are the rates plus counts (for step-scored terms) by indicator name.
func (c Counters) Values() map[string]float64 {
	v := c.Rates().Values()
	v["registered_count"] = float64(c.Registered)
	v["dispatch_count"] = float64(c.Dispatched)
	v["reported_count"] = float64(c.Reported)
	return v
}
