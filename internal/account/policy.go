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

	DirectoryRead   Perm = "directory.read" // departments, people, enterprises, components, devices
	DirectoryWrite  Perm = "directory.write"
	ResidentsRead   Perm = "residents.read"   // masked personal data
	ResidentsUnmask Perm = "residents.unmask" // see ID numbers and phones in clear (audited)

	WorkOrdersCreate Perm = "workorders.create" // report an event
	WorkOrdersRead   Perm = "workorders.read"
	WorkOrdersAct    Perm = "workorders.act"   // act on a step; the flow says which roles at which step
	WorkOrdersAdmin  Perm = "workorders.admin" // kinds, flows, categories, dispatch rules
	CalendarWrite    Perm = "calendar.write"
	IndicatorsRead   Perm = "indicators.read"

	Open311Submit Perm = "open311.submit" // a program posting resident requests

	MonitoringRead  Perm = "monitoring.read"
	MonitoringWrite Perm = "monitoring.write" // devices, sites, alarm rules
	AlarmsAck       Perm = "alarms.ack"

	StatsReport     Perm = "stats.report" // an enterprise's monthly and annual figures
	EvaluationRead  Perm = "evaluation.read"
	EvaluationWrite Perm = "evaluation.write" // schemes, runs, policies
	ButlerWork      Perm = "butler.work"
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

	DirectoryRead:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Committee, Evaluator, Auditor},
	DirectoryWrite:  {Admin},
	ResidentsRead:   {Admin, Leader, GridWorker, Auditor},
	ResidentsUnmask: {Admin},

	WorkOrdersCreate: {Admin, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Enterprise, Resident, Committee},
	WorkOrdersRead:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Enterprise, Resident, Committee, Evaluator, Auditor},
	WorkOrdersAct:    {Admin, Intake, ShiftLead, Dispatcher, Department, GridWorker, Butler, Committee},
	WorkOrdersAdmin:  {Admin},
	CalendarWrite:    {Admin},
	IndicatorsRead:   {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, Evaluator, Auditor},

	Open311Submit: {Admin, Intake},

	MonitoringRead:  {Admin, Leader, Intake, ShiftLead, Dispatcher, Department, GridWorker, Evaluator, Auditor},
	MonitoringWrite: {Admin},
	AlarmsAck:       {Admin, ShiftLead, Dispatcher, Department},

	StatsReport:     {Admin, Enterprise, Butler},
	EvaluationRead:  {Admin, Leader, Butler, Enterprise, Evaluator, Auditor},
	EvaluationWrite: {Admin, Evaluator},
	ButlerWork:      {Admin, Butler},
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
