package account

import (
	"fmt"
	"regexp"
	"strings"
)

// User is a person's account.
type User struct {
	ID                 int64   `json:"id"`
	Username           string  `json:"username"`
	DisplayName        string  `json:"display_name"`
	Lang               string  `json:"lang"`
	Email              string  `json:"email,omitempty"`
	Phone              string  `json:"phone,omitempty"`
	Disabled           bool    `json:"disabled"`
	MustChangePassword bool    `json:"must_change_password"`
	Roles              []Role  `json:"roles"`
	ScopeAreaIDs       []int64 `json:"scope_area_ids"`
	CreatedAt          int64   `json:"created_at"`
	UpdatedAt          int64   `json:"updated_at"`
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// FieldError says which field of an input is wrong and why.
type FieldError struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Detail) }

// ValidateUser checks the fields of an account being created or edited.
func ValidateUser(u *User) error {
	u.Username = strings.TrimSpace(u.Username)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if !usernameRE.MatchString(u.Username) {
		return &FieldError{"username", "user.username", "2–40 characters: lower-case letters, digits, dot, dash, underscore; starting with a letter or digit"}
	}
	if u.DisplayName == "" || len([]rune(u.DisplayName)) > 64 {
		return &FieldError{"display_name", "user.display_name", "1–64 characters"}
	}
	if u.Lang == "" {
		u.Lang = "zh-CN"
	}
	if u.Lang != "zh-CN" && u.Lang != "en" {
		return &FieldError{"lang", "user.lang", "zh-CN or en"}
	}
	if len(u.Roles) == 0 {
		return &FieldError{"roles", "user.roles", "at least one role"}
	}
	seen := map[Role]bool{}
	for _, r := range u.Roles {
		if _, err := ParseRole(string(r)); err != nil {
			return &FieldError{"roles", "user.role_unknown", err.Error()}
		}
		if seen[r] {
			return &FieldError{"roles", "user.role_duplicate", "role " + string(r) + " given twice"}
		}
		seen[r] = true
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || len(u.Email) > 254) {
		return &FieldError{"email", "user.email", "not an e-mail address"}
	}
	return nil
}
