package workflow

import (
	"errors"
	"fmt"
)

// Error is a validation or transition error with a stable machine code, so
// the HTTP layer can map it to problem+json and the UI can translate Code.
type Error struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// Is lets errors.Is match on the code alone: errors.Is(err, ErrRoleNotAllowed).
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func errf(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Sentinels for errors.Is. Their Detail is generic; returned errors carry specifics.
var (
	ErrUnknownAction     = &Error{Code: "workflow.unknown_action", Detail: "the flow has no such action"}
	ErrNotAllowedHere    = &Error{Code: "workflow.not_allowed_from_state", Detail: "the action is not allowed from the current state"}
	ErrRoleNotAllowed    = &Error{Code: "workflow.role_not_allowed", Detail: "none of the actor's roles may take this action"}
	ErrMissingInput      = &Error{Code: "workflow.missing_input", Detail: "a required input is missing"}
	ErrSuspended         = &Error{Code: "workflow.suspended", Detail: "the case is suspended (挂账)"}
	ErrFinal             = &Error{Code: "workflow.final_state", Detail: "the case is closed or void"}
	ErrTimeBeforeLast    = &Error{Code: "workflow.time_before_last", Detail: "the action time is before the case's last change"}
	ErrFlowMismatch      = &Error{Code: "workflow.flow_mismatch", Detail: "the case belongs to another flow or version"}
	ErrBadInput          = &Error{Code: "workflow.bad_input", Detail: "an input value is invalid"}
	ErrFlowInvalid       = &Error{Code: "workflow.flow_invalid", Detail: "the flow definition is invalid"}
	ErrCategoryInvalid   = &Error{Code: "workflow.category_invalid", Detail: "the category table is invalid"}
	ErrCaseNumberInvalid = &Error{Code: "workflow.case_number_invalid", Detail: "the case number is malformed"}
)
