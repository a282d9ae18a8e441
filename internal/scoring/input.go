package scoring

import "math"

// Input is a population in column form (struct of slices): one slice per figure,
// NaN where a figure was not reported, and dictionary-encoded categories, so that
// the engine runs over flat arrays without maps or strings in its hot loops.
type Input struct {
	N       int
	ID      []string
	Name    []string
	Figures map[string][]float64
	Cats    map[string]*Cat // "scale" (above/below), "kind", "unit" (park or town)
}

// Cat is a dictionary-encoded category column: Dict[Code[i]] is entity i's value.
type Cat struct {
	Code []uint32
	Dict []string
	idx  map[string]uint32
}

// NewInput returns an empty population of n entities.
func NewInput(n int) *Input {
	return &Input{N: n, ID: make([]string, n), Name: make([]string, n),
		Figures: map[string][]float64{}, Cats: map[string]*Cat{}}
}

// Figure returns the column of figure id, creating it filled with NaN (missing).
func (in *Input) Figure(id string) []float64 {
	if c, ok := in.Figures[id]; ok {
		return c
	}
	c := make([]float64, in.N)
	for i := range c {
		c[i] = math.NaN()
	}
	in.Figures[id] = c
	return c
}

// Cat returns the category column id, creating it with every entity at "".
func (in *Input) Cat(id string) *Cat {
	if c, ok := in.Cats[id]; ok {
		return c
	}
	c := &Cat{Code: make([]uint32, in.N), Dict: []string{""}, idx: map[string]uint32{"": 0}}
	in.Cats[id] = c
	return c
}

// Set gives entity i the value v.
func (c *Cat) Set(i int, v string) {
	if c.idx == nil {
		c.idx = make(map[string]uint32, len(c.Dict))
		for k, s := range c.Dict {
			c.idx[s] = uint32(k)
		}
	}
	k, ok := c.idx[v]
	if !ok {
		k = uint32(len(c.Dict))
		c.Dict = append(c.Dict, v)
		c.idx[v] = k
	}
	c.Code[i] = k
}

// Get returns entity i's value.
func (c *Cat) Get(i int) string { return c.Dict[c.Code[i]] }

// Scale values of the "scale" category.
const (
	ScaleAbove = "above" // 规上 (规模以上)
	ScaleBelow = "below" // 规下
)
