package workflow

import (
	"embed"
	"path"
	"sort"
)

//go:embed flows/*.json
var flowFS embed.FS

// SeedFlows parses and validates the embedded flows (citycase, resident,
// demand, approval, action_item, alarm), returning fresh copies keyed by ID.
// The storage layer writes them into its versioned rules table once; an
// administrator edits later versions there.
func SeedFlows() (map[string]*Flow, error) {
	ents, err := flowFS.ReadDir("flows")
	if err != nil {
		return nil, err
	}
	out := map[string]*Flow{}
	for _, e := range ents {
		b, err := flowFS.ReadFile(path.Join("flows", e.Name()))
		if err != nil {
			return nil, err
		}
		f, err := ParseFlow(b)
		if err != nil {
			return nil, errf(ErrFlowInvalid.Code, "%s: %v", e.Name(), err)
		}
		out[f.ID] = f
	}
	return out, nil
}

// SeedFlowIDs lists the seeded flow IDs in order.
func SeedFlowIDs() []string {
	ents, _ := flowFS.ReadDir("flows")
	var ids []string
	for _, e := range ents {
		ids = append(ids, e.Name()[:len(e.Name())-len(".json")])
	}
	sort.Strings(ids)
	return ids
}
