package permu

import "towngrid/internal/scoring"

// Member is one enterprise of an evaluation population: its attributes from
// the directory and its figures for the year.
type Member struct {
	ID         string // the USCC (the engine's entity id)
	Name       string
	Park       string
	AboveScale bool
	LandMu     float64 // 0: no land of its own (租赁企业)
	Status     string  // directory.EnterpriseStatus
	Figures    map[string]float64
	// Extra figures an evaluator adds to a run (加分 bonus, 减分 deduction).
	Extra map[string]float64
}

// KindOf maps an enterprise status to the "kind" category the seeded
// schemes' exempt groups match (不定等级, 按B类管理: 公益性企业, 初创期, 在建项目,
// standards.md §1.3). Active enterprises have no kind.
func KindOf(status string) string {
	switch status {
	case "utility":
		return "utility"
	case "start_up":
		return "startup"
	case "under_construction":
		return "under_construction"
	}
	return ""
}

// Evaluated reports whether an enterprise of this status takes part in a run:
// a closed enterprise is neither ranked nor counted.
func Evaluated(status string) bool { return status != "closed" }

// BuildInput turns members into the engine's column input: scale
// (above/below), kind from the status, unit = park, land from the record and
// every figure a scheme may read. A figure nobody reported is left out, so
// that Engine.Absent names it.
func BuildInput(ms []Member) *scoring.Input {
	in := scoring.NewInput(len(ms))
	scale, kind, unit := in.Cat("scale"), in.Cat("kind"), in.Cat("unit")
	land := in.Figure("land_mu")
	cols := map[string][]float64{}
	col := func(id string) []float64 {
		c, ok := cols[id]
		if !ok {
			c = in.Figure(id)
			cols[id] = c
		}
		return c
	}
	for i, m := range ms {
		in.ID[i], in.Name[i] = m.ID, m.Name
		if m.AboveScale {
			scale.Set(i, scoring.ScaleAbove)
		} else {
			scale.Set(i, scoring.ScaleBelow)
		}
		kind.Set(i, KindOf(m.Status))
		unit.Set(i, m.Park)
		if m.LandMu > 0 {
			land[i] = m.LandMu
		}
		for id, v := range m.Figures {
			col(id)[i] = v
		}
		for id, v := range m.Extra {
			col(id)[i] = v
		}
	}
	// The land column is always present: land comes from the register, and
	// "missing" there is a fact (a tenant), not an unreported figure.
	return in
}
