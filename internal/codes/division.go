package codes

import "fmt"

// DivisionLevel is the level a 6-digit GB/T 2260 code denotes.
type DivisionLevel string

const (
	LevelProvince   DivisionLevel = "province"   // xx0000
	LevelPrefecture DivisionLevel = "prefecture" // xxxx00
	LevelCounty     DivisionLevel = "county"
)

// Division is a parsed GB/T 2260 administrative division code.
type Division struct {
	Code         string        `json:"code"`
	Province     string        `json:"province"`   // 2 digits
	Prefecture   string        `json:"prefecture"` // 2 digits
	County       string        `json:"county"`     // 2 digits
	Level        DivisionLevel `json:"level"`
	ProvinceName string        `json:"province_name"`
}

// ParseDivision validates a 6-digit administrative division code: all digits and a
// province that GB/T 2260 lists. Prefecture and county parts are not checked
// against a list, because the list changes every year and lives in the area table.
func (r *Rules) ParseDivision(code string) (Division, error) {
	if len(code) != 6 || !allDigits(code) {
		return Division{}, errf(CodeDivisionFormat, "division code must be 6 digits, got %q", code)
	}
	p := code[:2]
	name, ok := r.Provinces[p]
	if !ok {
		return Division{}, errf(CodeDivisionProvince, "unknown province code %s", p)
	}
	d := Division{Code: code, Province: p, Prefecture: code[2:4], County: code[4:6], ProvinceName: name}
	switch {
	case d.Prefecture == "00" && d.County == "00":
		d.Level = LevelProvince
	case d.County == "00":
		d.Level = LevelPrefecture
	default:
		d.Level = LevelCounty
	}
	return d, nil
}

// Township is a GB/T 10114 township-level code (3 digits after the county).
type Township struct {
	Code string `json:"code"`
	Kind string `json:"kind"` // 街道, 镇, 乡, 政企合一
}

// ParseTownship validates the 3-digit township code and names its kind by range.
func (r *Rules) ParseTownship(code string) (Township, error) {
	if len(code) != 3 || !allDigits(code) {
		return Township{}, errf(CodeTownshipFormat, "township code must be 3 digits, got %q", code)
	}
	kind := r.townshipKind(atoiDigits(code))
	if kind == "" {
		return Township{}, errf(CodeTownshipRange, "township code %s is in no GB/T 10114 range", code)
	}
	return Township{Code: code, Kind: kind}, nil
}

// ValidateVillage checks a 3-digit village/community (村/社区) code. 000 is the
// township itself in the 12-digit statistical code, so it is not a village.
func ValidateVillage(code string) error {
	if len(code) != 3 || !allDigits(code) || code == "000" {
		return errf(CodeVillageFormat, "village/community code must be 3 digits 001-999, got %q", code)
	}
	return nil
}

// StatsCode is the 12-digit 统计用区划代码 (6 county + 3 township + 3 village),
// e.g. 320508019044 (case-management.md §5.1).
type StatsCode struct {
	Division Division `json:"division"`
	Township Township `json:"township"`
	Village  string   `json:"village"`
}

// ParseStatsCode parses a 12-digit statistical division code.
func (r *Rules) ParseStatsCode(code string) (StatsCode, error) {
	if len(code) != 12 {
		return StatsCode{}, errf(CodeDivisionFormat, "statistical division code must be 12 digits, got %d characters", len(code))
	}
	d, err := r.ParseDivision(code[:6])
	if err != nil {
		return StatsCode{}, err
	}
	t, err := r.ParseTownship(code[6:9])
	if err != nil {
		return StatsCode{}, err
	}
	if err := ValidateVillage(code[9:]); err != nil {
		return StatsCode{}, err
	}
	return StatsCode{Division: d, Township: t, Village: code[9:]}, nil
}

func (s StatsCode) String() string {
	return fmt.Sprintf("%s%s%s", s.Division.Code, s.Township.Code, s.Village)
}
