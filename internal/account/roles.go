// Package account holds who may do what: roles, permissions, the policy that
// joins them, area scopes and the principal of a request. It is pure: storage
// and HTTP use it, it uses neither.
package account

import (
	"fmt"
	"slices"
	"strings"
)

// Role is a job in the town's governance.
type Role string

const (
	Admin      Role = "admin"       // 系统管理员
	Leader     Role = "leader"      // 镇长 / 管委会
	Intake     Role = "intake"      // 受理员
	ShiftLead  Role = "shift_lead"  // 值班长
	Dispatcher Role = "dispatcher"  // 派遣员
	Department Role = "department"  // 专业部门
	GridWorker Role = "grid_worker" // 网格员 / 监督员
	Butler     Role = "butler"      // 小镇管家
	Enterprise Role = "enterprise"  // 企业
	Resident   Role = "resident"    // 居民
	Committee  Role = "committee"   // 治理委员会等成员
	Evaluator  Role = "evaluator"   // 考核评价人员
	Auditor    Role = "auditor"     // 审计员
)

// Roles lists every role in display order.
var Roles = []Role{Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Enterprise, Resident, Committee, Evaluator, Auditor}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if slices.Contains(Roles, r) {
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// Principal is the caller of a request: a signed-in person or a program with an API key.
type Principal struct {
	UserID   int64
	Username string
	Name     string
	Lang     string
	Roles    []Role
	// Scopes are the materialised paths ('/1/5/') of the areas the caller may
	// see; each covers that area and everything below it.
	Scopes []string
	// KeyPerms limits a request made with an API key to these permissions
	// (nil for a session; ["*"] for a key with every permission of its user).
	KeyPerms []Perm
	KeyID    int64
}

// Anonymous reports whether nobody signed in.
func (p *Principal) Anonymous() bool { return p == nil || p.UserID == 0 }

// Has reports whether the principal holds role r.
func (p *Principal) Has(r Role) bool { return p != nil && slices.Contains(p.Roles, r) }

// InScope reports whether the area at path lies in one of the principal's scopes.
func (p *Principal) InScope(path string) bool {
	if p == nil {
		return false
	}
	for _, s := range p.Scopes {
		if strings.HasPrefix(path, s) {
			return true
		}
	}
	return false
}

// Can reports whether the policy lets the principal use perm (ignoring scope).
func (p *Principal) Can(perm Perm) bool {
	if perm == Public {
		return true
	}
	if p.Anonymous() {
		return false
	}
	if perm == SignedIn {
		return true
	}
	if p.KeyPerms != nil && !slices.Contains(p.KeyPerms, "*") && !slices.Contains(p.KeyPerms, perm) {
		return false
	}
	for _, r := range p.Roles {
		if Allowed(r, perm) {
			return true
		}
	}
	return false
}
