// Package codes validates, parses, builds and masks the Chinese standard codes that
// the directory stores: administrative divisions (GB/T 2260, GB/T 10114), unit grids
// (CJ/T 213, DB11), components (部件), case numbers (案卷号), unified social credit
// codes (GB 32100-2015) and resident ID numbers (GB 11643-1999).
//
// Everything here is pure: no I/O, no globals with mutable state. Tables that an
// administrator may need to edit (province list, township ranges, USCC authorities)
// are data in Rules, seeded by DefaultRules.
package codes

import "fmt"

// Error is a validation failure with a stable machine code (e.g. "uscc.check_char")
// that the HTTP layer maps to problem+json and the UI translates, plus an English
// detail for logs and developers.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// Is lets errors.Is match on the code alone: errors.Is(err, &Error{Code: CodeUSCCCheck}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Stable error codes. Never rename one: clients and translations key on them.
const (
	CodeDivisionFormat   = "division.format"
	CodeDivisionProvince = "division.province"
	CodeTownshipFormat   = "township.format"
	CodeTownshipRange    = "township.range"
	CodeVillageFormat    = "village.format"

	CodeGridLength    = "grid.length"
	CodeGridFormat    = "grid.format"
	CodeGridSeqWidth  = "grid.seq_width"
	CodeGridSeqRange  = "grid.seq_range"
	CodeComponentLen  = "component.length"
	CodeComponentFmt  = "component.format"
	CodeComponentPart = "component.part"

	CodeCaseLength = "case.length"
	CodeCaseKind   = "case.kind"
	CodeCaseFormat = "case.format"
	CodeCaseDate   = "case.date"
	CodeCaseSerial = "case.serial"

	CodeUSCCLength    = "uscc.length"
	CodeUSCCCharset   = "uscc.charset"
	CodeUSCCAuthority = "uscc.authority"
	CodeUSCCType      = "uscc.type"
	CodeUSCCDivision  = "uscc.division"
	CodeUSCCCheck     = "uscc.check_char"

	CodeIDLength    = "idcard.length"
	CodeIDCharset   = "idcard.charset"
	CodeIDRegion    = "idcard.region"
	CodeIDBirthDate = "idcard.birth_date"
	CodeIDCheck     = "idcard.check_digit"
)
