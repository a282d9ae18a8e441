package open311

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

// Datatypes are the six attribute datatypes of §2.2 (service definition).
var Datatypes = []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}

// Config is the Open311 face of the resident categories: keywords, the extra
// questions (attributes) per category and the duplicate radius. It is data:
// the seed below goes into the rules table as kind "open311_services", where
// an administrator adds versions like any other rule.
type Config struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	Effective string `json:"effective"`
	Source    string `json:"source,omitempty"`
	// Common attributes are asked for every category; Attributes adds
	// questions per category code (小类). Orders are unique per definition.
	Common     []Attribute            `json:"common"`
	Attributes map[string][]Attribute `json:"attributes"`
	Keywords   map[string][]string    `json:"keywords"`
	// Radius (metres) within which an open report of the same category is
	// offered as a duplicate; DefaultRadius where a category names none.
	Radius        map[string]float64 `json:"radius"`
	DefaultRadius float64            `json:"default_radius"`
}

// RuleKind is the rules-table kind of Config; its key is "default".
const RuleKind = "open311_services"

//go:embed services.json
var seedJSON []byte

// Seed returns the embedded configuration.
func Seed() (*Config, error) { return ParseConfig(seedJSON) }

// ParseConfig decodes (strictly) and validates a configuration.
func ParseConfig(b []byte) (*Config, error) {
	c := &Config{}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(c); err != nil {
		return nil, Bad("open311.config", "%v", err)
	}
	return c, c.Validate()
}

// Validate checks every definition the config can produce.
func (c *Config) Validate() error {
	if c.DefaultRadius <= 0 || c.DefaultRadius > 5000 {
		return Bad("open311.config_radius", "default_radius must be in (0, 5000] metres")
	}
	for code, r := range c.Radius {
		if r <= 0 || r > 5000 {
			return Bad("open311.config_radius", "radius of %s must be in (0, 5000] metres", code)
		}
	}
	if err := checkAttrs(c.Common); err != nil {
		return err
	}
	for code := range c.Attributes {
		if err := checkAttrs(c.Definition(code)); err != nil {
			return Bad("open311.config_attribute", "%s: %v", code, err)
		}
	}
	return nil
}

func checkAttrs(as []Attribute) error {
	codes, orders := map[string]bool{}, map[int]bool{}
	for _, a := range as {
		switch {
		case a.Code == "" || len(a.Code) > 64:
			return Bad("open311.config_attribute", "an attribute needs a code of at most 64 bytes")
		case codes[a.Code]:
			return Bad("open311.config_attribute", "attribute %s is defined twice", a.Code)
		case a.Order < 1 || orders[a.Order]:
			return Bad("open311.config_attribute", "attribute %s: order must be ≥ 1 and unique", a.Code)
		case !slices.Contains(Datatypes, a.Datatype):
			return Bad("open311.config_attribute", "attribute %s: unknown datatype %q", a.Code, a.Datatype)
		case (a.Datatype == "singlevaluelist" || a.Datatype == "multivaluelist") != (len(a.Values) > 0):
			return Bad("open311.config_attribute", "attribute %s: values are required for list datatypes only", a.Code)
		case a.Required && !a.Variable:
			return Bad("open311.config_attribute", "attribute %s: a required attribute must be variable", a.Code)
		}
		codes[a.Code], orders[a.Order] = true, true
	}
	return nil
}

// Definition returns the attributes of a category, common ones first,
// ordered by their order field.
func (c *Config) Definition(code string) []Attribute {
	out := append(slices.Clone(c.Common), c.Attributes[code]...)
	slices.SortFunc(out, func(a, b Attribute) int { return a.Order - b.Order })
	return out
}

// RadiusOf is the duplicate radius of a category in metres.
func (c *Config) RadiusOf(code string) float64 {
	if r, ok := c.Radius[code]; ok {
		return r
	}
	return c.DefaultRadius
}

// DetailedStatus maps a work-order stage onto CitySDK's detailed_status
// (§2.3): PENDING before anyone looked, RECEIVED while verified and
// registered, IN_PROCESS from dispatch to check, PROCESSED when closed,
// REJECTED when voided.
func DetailedStatus(stage string) string {
	switch stage {
	case "intake":
		return "PENDING"
	case "verify", "register":
		return "RECEIVED"
	case "closed":
		return "PROCESSED"
	case "void":
		return "REJECTED"
	default:
		return "IN_PROCESS"
	}
}

// UpdateStatus maps a work-order event onto mySociety's extended status
// vocabulary (§2.4).
func UpdateStatus(action, to, stage string) string {
	switch {
	case to == "void" || action == "void":
		return "CANCELLED"
	case to == "closed":
		return "FIXED"
	case stage == "verify" || stage == "register":
		return "INVESTIGATING"
	case stage == "intake":
		return "OPEN"
	case action == "dispatch" || action == "rework":
		return "ACTION_SCHEDULED"
	default:
		return "IN_PROGRESS"
	}
}

// Describe is a short English description of an attribute's datatype.
func Describe(a Attribute) string {
	if a.DatatypeDescription != "" {
		return a.DatatypeDescription
	}
	return fmt.Sprintf("a %s", a.Datatype)
}

// UpdateStatuses is mySociety's extended status vocabulary (§2.4).
var UpdateStatuses = []string{"OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE",
	"NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "FOR_TRIAGE", "CANCELLED", "REOPEN"}
