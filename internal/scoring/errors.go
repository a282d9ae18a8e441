package scoring

import (
	"fmt"
	"strings"
)

// Error is a validation error with a stable machine code (e.g. "cell.not_number")
// that the HTTP layer maps to problem+json and the UI translates; Detail is English.
// Row and Col locate a bad input cell (1-based; 0 = not about a cell).
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Row    int    `json:"row,omitempty"`
	Col    int    `json:"col,omitempty"`
	Column string `json:"column,omitempty"`
}

func (e *Error) Error() string {
	if e.Row > 0 || e.Col > 0 {
		return fmt.Sprintf("row %d, column %d (%s): %s: %s", e.Row, e.Col, e.Column, e.Code, e.Detail)
	}
	return e.Code + ": " + e.Detail
}

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Errors collects several cell errors so that an analyst fixes a sheet in one go.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
