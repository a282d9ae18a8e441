package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Severity of a validation issue.
type Severity string

const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// Stable issue codes: the UI translates them, the HTTP layer lists them in a
// problem+json body. Never rename one.
const (
	CodeGeomType         = "geom.type"              // not a Polygon/MultiPolygon
	CodeGeomEmpty        = "geom.empty"             // no ring at all
	CodeRingTooShort     = "geom.ring_too_short"    // fewer than 4 positions
	CodeRingNotClosed    = "geom.ring_not_closed"   // first position ≠ last
	CodeCoordRange       = "geom.coord_range"       // lon ∉ [-180,180], lat ∉ [-90,90], NaN
	CodeSelfIntersection = "geom.self_intersection" // rings cross, overlap or a ring touches itself
	CodeHoleOutside      = "geom.hole_outside"      // a hole not inside its shell
	CodeWinding          = "geom.winding"           // RFC 7946 §3.1.6 orientation not followed (warning)
	CodeOverlap          = "area.overlap"           // two siblings overlap beyond tolerance
	CodeGap              = "area.gap"               // children leave part of the parent uncovered (warning)
	CodeOutsideParent    = "area.outside_parent"    // a child extends beyond its parent (warning)
)

// Feature is one area boundary to validate.
type Feature struct {
	ID     string // the feature's id (or code property), for messages
	Parent string // features with the same Parent are siblings and must not overlap
	Geom   orb.MultiPolygon
}

// Issue is one finding about a feature, identified by its position in the input
// and its id; Other* name the second feature of an overlap.
type Issue struct {
	Severity   Severity `json:"severity"`
	Code       string   `json:"code"`
	Detail     string   `json:"detail"`
	Index      int      `json:"index"`
	ID         string   `json:"id,omitempty"`
	OtherIndex int      `json:"other_index,omitempty"`
	OtherID    string   `json:"other_id,omitempty"`
	AreaM2     float64  `json:"area_m2,omitempty"`
}

// ValidateOptions holds the tolerances; zero values take the defaults.
type ValidateOptions struct {
	OverlapToleranceM2 float64 // default 1 m²: digitising noise along shared edges
	GapToleranceM2     float64 // default 100 m²
	GapToleranceRatio  float64 // default 0.001 of the parent's area; the larger tolerance wins
}

func (o *ValidateOptions) defaults() {
	if o.OverlapToleranceM2 <= 0 {
		o.OverlapToleranceM2 = 1
	}
	if o.GapToleranceM2 <= 0 {
		o.GapToleranceM2 = 100
	}
	if o.GapToleranceRatio <= 0 {
		o.GapToleranceRatio = 0.001
	}
}

// ValidateFeatures checks every feature's geometry (RFC 7946 rings, ranges,
// self-intersection, holes) and then overlaps between siblings. Features with a
// geometry error are left out of the overlap check (their area is meaningless).
func ValidateFeatures(fs []Feature, opt ValidateOptions) []Issue {
	opt.defaults()
	var issues []Issue
	ok := make([]bool, len(fs))
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i, f := range fs {
		n := len(issues)
		issues = append(issues, checkRings(i, f)...)
		ok[i] = !hasError(issues[n:])
		if ok[i] {
			b = b.Union(f.Geom.Bound())
		}
	}
	if b.Min[0] > b.Max[0] {
		return issues
	}
	pr := newProjection(b)
	preps := make([]*prepared, len(fs))
	var tr rtree.RTreeG[int]
	for i, f := range fs {
		if !ok[i] {
			continue
		}
		p := prepare(f.Geom, pr)
		if pairs := p.selfIntersections(1); len(pairs) > 0 {
			e := p.edges[pairs[0][0]]
			lon, lat := e.ax/pr.kx+pr.lon0, e.ay/pr.ky+pr.lat0
			issues = append(issues, Issue{Severity: SevError, Code: CodeSelfIntersection, Index: i, ID: f.ID,
				Detail: fmt.Sprintf("boundary crosses or touches itself near (%.6f, %.6f)", lon, lat)})
			continue
		}
		if hi := holeOutside(f.Geom); hi != "" {
			issues = append(issues, Issue{Severity: SevError, Code: CodeHoleOutside, Index: i, ID: f.ID, Detail: hi})
			continue
		}
		preps[i] = p
		fb := f.Geom.Bound()
		tr.Insert(fb.Min, fb.Max, i)
	}
	for i, f := range fs {
		if preps[i] == nil {
			continue
		}
		fb := f.Geom.Bound()
		tr.Search(fb.Min, fb.Max, func(_, _ [2]float64, j int) bool {
			if j <= i || fs[j].Parent != f.Parent {
				return true
			}
			if a := intersectionArea(preps[i], preps[j]); a > opt.OverlapToleranceM2 {
				issues = append(issues, Issue{Severity: SevError, Code: CodeOverlap, Index: i, ID: f.ID,
					OtherIndex: j, OtherID: fs[j].ID, AreaM2: a,
					Detail: fmt.Sprintf("overlaps %q by %.1f m²", fs[j].ID, a)})
			}
			return true
		})
	}
	return issues
}

func hasError(is []Issue) bool {
	for _, i := range is {
		if i.Severity == SevError {
			return true
		}
	}
	return false
}

func checkRings(i int, f Feature) []Issue {
	var out []Issue
	add := func(sev Severity, code, format string, a ...any) {
		out = append(out, Issue{Severity: sev, Code: code, Index: i, ID: f.ID, Detail: fmt.Sprintf(format, a...)})
	}
	if len(f.Geom) == 0 {
		add(SevError, CodeGeomEmpty, "no polygon")
		return out
	}
	for pi, poly := range f.Geom {
		if len(poly) == 0 {
			add(SevError, CodeGeomEmpty, "polygon %d has no ring", pi)
		}
		for ri, r := range poly {
			if len(r) < 4 {
				add(SevError, CodeRingTooShort, "polygon %d ring %d has %d positions, at least 4 required", pi, ri, len(r))
				continue
			}
			if r[0] != r[len(r)-1] {
				add(SevError, CodeRingNotClosed, "polygon %d ring %d is not closed", pi, ri)
			}
			for _, p := range r {
				if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
					add(SevError, CodeCoordRange, "polygon %d ring %d has position (%v, %v) out of range", pi, ri, p[0], p[1])
					break
				}
			}
			// RFC 7946 §3.1.6: shells counter-clockwise, holes clockwise; parsers
			// must not reject the other winding, so this is only a warning.
			if a := ringSignedArea(r); (ri == 0) != (a > 0) && a != 0 {
				add(SevWarning, CodeWinding, "polygon %d ring %d winds against RFC 7946", pi, ri)
			}
		}
	}
	return out
}

func ringSignedArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// holeOutside checks each hole lies inside its shell. Rings are known not to
// cross, so one hole vertex that is not on the shell decides.
func holeOutside(mp orb.MultiPolygon) string {
	for pi, poly := range mp {
		shell := orb.MultiPolygon{{poly[0]}}
		for hi := 1; hi < len(poly); hi++ {
			inside := false
			for _, v := range poly[hi] {
				if onRing(poly[0], v) {
					continue
				}
				inside = evenOddContains(shell, v[0], v[1])
				break
			}
			if !inside {
				return fmt.Sprintf("polygon %d hole %d is not inside its shell", pi, hi)
			}
		}
	}
	return ""
}

func onRing(r orb.Ring, p orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		if segDist(p[0], p[1], r[i][0], r[i][1], r[i+1][0], r[i+1][1]) == 0 {
			return true
		}
	}
	return false
}

// CheckCoverage compares a parent area with its children: the part of the parent
// no child covers (area.gap, a warning on the parent, index -1) and the part of a
// child outside the parent (area.outside_parent, a warning on that child). It
// assumes the children were validated (no overlaps), so their areas add up.
func CheckCoverage(parent Feature, children []Feature, opt ValidateOptions) []Issue {
	opt.defaults()
	b := parent.Geom.Bound()
	for _, c := range children {
		b = b.Union(c.Geom.Bound())
	}
	pr := newProjection(b)
	pp := prepare(parent.Geom, pr)
	var issues []Issue
	covered := 0.0
	for i, c := range children {
		cp := prepare(c.Geom, pr)
		in := intersectionArea(pp, cp)
		covered += in
		if out := cp.area - in; out > opt.OverlapToleranceM2 {
			issues = append(issues, Issue{Severity: SevWarning, Code: CodeOutsideParent, Index: i, ID: c.ID,
				OtherIndex: -1, OtherID: parent.ID, AreaM2: out,
				Detail: fmt.Sprintf("%.1f m² lie outside parent %q", out, parent.ID)})
		}
	}
	gap := pp.area - covered
	if tol := math.Max(opt.GapToleranceM2, opt.GapToleranceRatio*pp.area); gap > tol {
		issues = append(issues, Issue{Severity: SevWarning, Code: CodeGap, Index: -1, ID: parent.ID, AreaM2: gap,
			Detail: fmt.Sprintf("%.1f m² of %q (%.2f%%) are in no child", gap, parent.ID, 100*gap/pp.area)})
	}
	return issues
}
