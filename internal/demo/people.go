package demo

import (
	"fmt"
	"math/rand/v2"

	"towngrid/internal/account"
	"towngrid/internal/directory"
)

// Account is one demo login. Passwords are printed for the demo: they are
// derived from the seed, so anyone who knows the seed knows them.
type Account struct {
	Username    string       `json:"username"`
	Role        account.Role `json:"role"`
	Password    string       `json:"password"`
	DisplayName string       `json:"display_name"`
	ScopeCode   string       `json:"scope_code"` // code of the area the account looks after
}

// Passwords returns the demo password of every role: "demo-<role>-NNNN".
// One password per role keeps hashing cheap: argon2id runs once per role.
func Passwords(seed int64) map[account.Role]string {
	r := rng(seed, "passwords")
	out := map[account.Role]string{}
	for _, role := range account.Roles {
		out[role] = fmt.Sprintf("demo-%s-%04d", role, r.IntN(10000))
	}
	return out
}

// people lists the accounts: command staff of the main town, one grid worker
// (网格员) per community of every town, and a few of each public-facing role.
func people(p *plan) []Account {
	pw := Passwords(p.opt.Seed)
	r := rng(p.opt.Seed, "people")
	town := p.areas[p.mainTown]
	var out []Account
	add := func(user string, role account.Role, name, scope string) {
		out = append(out, Account{Username: user, Role: role, Password: pw[role], DisplayName: name, ScopeCode: scope})
	}
	add("admin", account.Admin, personName(r)+"（系统管理员）", p.areas[p.top].Code)
	add("leader", account.Leader, personName(r)+"（镇长）", town.Code)
	for i := 1; i <= 2; i++ {
		add(fmt.Sprintf("intake%d", i), account.Intake, personName(r)+"（受理员）", town.Code)
	}
	add("shiftlead", account.ShiftLead, personName(r)+"（值班长）", town.Code)
	for i := 1; i <= 2; i++ {
		add(fmt.Sprintf("dispatcher%d", i), account.Dispatcher, personName(r)+"（派遣员）", town.Code)
	}
	for _, d := range deptSpecs {
		if d.Account {
			add("dept-"+d.Slug, account.Department, personName(r)+"（"+d.Name+"）", town.Code)
		}
	}
	add("evaluator", account.Evaluator, personName(r)+"（考核评价）", town.Code)
	add("auditor", account.Auditor, personName(r)+"（审计）", town.Code)
	var mainCommunities []string
	for i, a := range p.areas {
		if a.Level == directory.Community {
			if a.Parent == p.mainTown {
				mainCommunities = append(mainCommunities, a.Code)
			}
			add("gw-"+a.Code, account.GridWorker, personName(r)+"（"+a.Name+"网格员）", p.areas[i].Code)
		}
	}
	for i := 1; i <= 6; i++ {
		add(fmt.Sprintf("butler%d", i), account.Butler, personName(r)+"（小镇管家）", town.Code)
	}
	for i, c := range companies {
		add(fmt.Sprintf("ent%d", i+1), account.Enterprise, p.areas[town.Parent].Name+town.Name+c, town.Code)
	}
	for i := 1; i <= 5; i++ {
		add(fmt.Sprintf("resident%d", i), account.Resident, personName(r), mainCommunities[(i-1)%len(mainCommunities)])
	}
	for i := 1; i <= 3; i++ {
		add(fmt.Sprintf("committee%d", i), account.Committee, personName(r)+"（治理委员会）", town.Code)
	}
	return out
}

func personName(r *rand.Rand) string {
	n := pick(r, surnames) + pick(r, given)
	if r.IntN(3) > 0 {
		n += pick(r, given)
	}
	return n
}
