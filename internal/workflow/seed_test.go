package workflow

import "testing"

func TestSeedFlowsValid(t *testing.T) {
	fs, err := SeedFlows()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"citycase", "resident", "demand", "approval", "action_item", "alarm"} {
		if fs[id] == nil {
			t.Errorf("seed flow %s missing", id)
		}
	}
}
