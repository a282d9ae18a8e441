package account

import (
	"fmt"
	"slices"
	"strings"
)

// Perm is a permission a route requires.
type Perm string

const (
	Public   Perm = "public"    // anyone, signed in or not
	SignedIn Perm = "signed_in" // any signed-in account

	UsersRead   Perm = "users.read"
	UsersWrite  Perm = "users.write"
	KeysOwn     Perm = "apikeys.own" // manage one's own API keys
	KeysAll     Perm = "apikeys.all" // manage everybody's
	AreasRead   Perm = "areas.read"
	AreasWrite  Perm = "areas.write"
	AuditRead   Perm = "audit.read"
	RulesRead   Perm = "rules.read"
	RulesWrite  Perm = "rules.write"
	Dashboard   Perm = "dashboard.read"
	SystemAdmin Perm = "system.admin"
)

// policy is the one table of who may do what. Area scope is checked on top of it.
var policy = map[Perm][]Role{
	UsersRead:   {Admin, Leader, Auditor},
	UsersWrite:  {Admin},
	KeysOwn:     {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Enterprise, Committee, Evaluator, Auditor},
	KeysAll:     {Admin},
	AreasRead:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Committee, Evaluator, Auditor},
	AreasWrite:  {Admin},
	AuditRead:   {Admin, Auditor},
	RulesRead:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, Evaluator, Auditor},
	RulesWrite:  {Admin},
	Dashboard:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Committee, Evaluator, Auditor},
	SystemAdmin: {Admin},
}

// Allowed reports whether role r holds perm.
func Allowed(r Role, perm Perm) bool { return slices.Contains(policy[perm], r) }

// Perms lists every permission that roles can hold, sorted.
func Perms() []Perm {
	out := make([]Perm, 0, len(policy))
	for p := range policy {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// RolesFor lists the roles that hold perm.
func RolesFor(perm Perm) []Role { return slices.Clone(policy[perm]) }

// ParsePerms reads a comma-separated permission list for an API key.
func ParsePerms(s string) ([]Perm, error) {
	var out []Perm
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p := Perm(f)
		if p != "*" {
			if _, ok := policy[p]; !ok {
				return nil, fmt.Errorf("unknown permission %q", f)
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no permissions given")
	}
	return out, nil
}
