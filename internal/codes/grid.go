package codes

import (
	"fmt"
	"strconv"
)

// GridCode is a unit-grid code (单元网格编码): 6 county + 3 township + 3 community +
// a sequence of SeqWidth digits. CJ/T 213-2005 uses 2 sequence digits (14 in all);
// Beijing DB11 uses 3 (15 in all). Sequence 0 marks the community-level grid
// (case-management.md §5.1).
type GridCode struct {
	County    string `json:"county"`
	Township  string `json:"township"`
	Community string `json:"community"`
	Seq       int    `json:"seq"`
	SeqWidth  int    `json:"seq_width"`
}

// Common sequence widths.
const (
	SeqWidthCJT213 = 2
	SeqWidthDB11   = 3
)

func checkSeqWidth(w int) error {
	if w != SeqWidthCJT213 && w != SeqWidthDB11 {
		return errf(CodeGridSeqWidth, "grid sequence width must be 2 or 3, got %d", w)
	}
	return nil
}

// ParseGridCode parses a grid code whose sequence is seqWidth digits wide.
func (r *Rules) ParseGridCode(s string, seqWidth int) (GridCode, error) {
	if err := checkSeqWidth(seqWidth); err != nil {
		return GridCode{}, err
	}
	if len(s) != 12+seqWidth {
		return GridCode{}, errf(CodeGridLength, "grid code must be %d digits, got %d characters", 12+seqWidth, len(s))
	}
	if !allDigits(s) {
		return GridCode{}, errf(CodeGridFormat, "grid code must be all digits, got %q", s)
	}
	g := GridCode{County: s[:6], Township: s[6:9], Community: s[9:12], Seq: atoiDigits(s[12:]), SeqWidth: seqWidth}
	if err := r.validateGridParts(g); err != nil {
		return GridCode{}, err
	}
	return g, nil
}

func (r *Rules) validateGridParts(g GridCode) error {
	if err := checkSeqWidth(g.SeqWidth); err != nil {
		return err
	}
	if _, err := r.ParseDivision(g.County); err != nil {
		return err
	}
	if _, err := r.ParseTownship(g.Township); err != nil {
		return err
	}
	if err := ValidateVillage(g.Community); err != nil {
		return err
	}
	max := 99
	if g.SeqWidth == 3 {
		max = 999
	}
	if g.Seq < 0 || g.Seq > max {
		return errf(CodeGridSeqRange, "grid sequence %d does not fit %d digits", g.Seq, g.SeqWidth)
	}
	return nil
}

// BuildGridCode validates the parts and returns the code string.
func (r *Rules) BuildGridCode(g GridCode) (string, error) {
	if err := r.validateGridParts(g); err != nil {
		return "", err
	}
	return g.String(), nil
}

// String formats the code without validation (use BuildGridCode for untrusted parts).
func (g GridCode) String() string {
	return fmt.Sprintf("%s%s%s%0*d", g.County, g.Township, g.Community, g.SeqWidth, g.Seq)
}

// IsCommunityGrid reports whether the code denotes the community itself (sequence 0).
func (g GridCode) IsCommunityGrid() bool { return g.Seq == 0 }

// ComponentCode is a 部件 identifier: 6 county + 2 大类 + 2 小类 + 6 serial,
// e.g. 3205080101000001 = 姑苏区 / 公用设施 / 上水井盖 / #1 (case-management.md §5.1).
type ComponentCode struct {
	County string `json:"county"`
	Major  int    `json:"major"` // 大类 1-99
	Minor  int    `json:"minor"` // 小类 1-99
	Serial int    `json:"serial"`
}

// ParseComponentCode parses a 16-digit component code.
func (r *Rules) ParseComponentCode(s string) (ComponentCode, error) {
	if len(s) != 16 {
		return ComponentCode{}, errf(CodeComponentLen, "component code must be 16 digits, got %d characters", len(s))
	}
	if !allDigits(s) {
		return ComponentCode{}, errf(CodeComponentFmt, "component code must be all digits, got %q", s)
	}
	c := ComponentCode{County: s[:6], Major: atoiDigits(s[6:8]), Minor: atoiDigits(s[8:10]), Serial: atoiDigits(s[10:])}
	if err := r.validateComponent(c); err != nil {
		return ComponentCode{}, err
	}
	return c, nil
}

func (r *Rules) validateComponent(c ComponentCode) error {
	if _, err := r.ParseDivision(c.County); err != nil {
		return err
	}
	if c.Major < 1 || c.Major > 99 || c.Minor < 1 || c.Minor > 99 {
		return errf(CodeComponentPart, "major and minor class must be 01-99, got %d/%d", c.Major, c.Minor)
	}
	if c.Serial < 1 || c.Serial > 999999 {
		return errf(CodeComponentPart, "component serial must be 000001-999999, got %d", c.Serial)
	}
	return nil
}

// BuildComponentCode validates the parts and returns the code string.
func (r *Rules) BuildComponentCode(c ComponentCode) (string, error) {
	if err := r.validateComponent(c); err != nil {
		return "", err
	}
	return c.String(), nil
}

func (c ComponentCode) String() string {
	return c.County + fmt.Sprintf("%02d%02d%06d", c.Major, c.Minor, c.Serial)
}

// pad2 formats 0-99 as two digits without fmt (hot path of case numbers).
func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
