// Package locate answers "which unit grid is this point in" for every
// capability: reports from a phone, sensors, enterprises, alarms. It keeps the
// process-wide index (app.Services.Grids) filled: built at start, rebuilt
// after every area write. It is its own small package, not part of internal/api,
// so that non-HTTP capabilities (MQTT ingest, timers) can import it; it
// depends only on app, store, directory and geo, none of which import it.
package locate

import (
	"context"
	"errors"
	"sync"
	"time"

	"towngrid/internal/app"
	"towngrid/internal/directory"
	"towngrid/internal/geo"
)

func init() {
	app.RegisterStarter("locate", func(ctx context.Context, a *app.App) error {
		if err := Rebuild(ctx, a); err != nil {
			return err
		}
		go watch(ctx, a, RefreshEvery)
		return nil
	})
}

// RefreshEvery is how often a process looks for grids changed by someone
// else: another replica, or `towngrid import areas` run beside the server.
var RefreshEvery = 15 * time.Second

// watch rebuilds the index when the grids' newest change moves. One cheap
// aggregate per period; the rebuild only when something changed.
func watch(ctx context.Context, a *app.App, every time.Duration) {
	last, _ := a.DB.GridsVersion(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := a.DB.GridsVersion(ctx)
		if err != nil || v == last {
			continue
		}
		if err := Rebuild(ctx, a); err != nil {
			a.Log.Warn("locate: rebuilding the grid index", "err", err)
			continue
		}
		last = v
	}
}

// rebuilds run one at a time, so the last one to finish read the latest data.
var rebuildMu sync.Mutex

// Rebuild builds the index from every grid-level area that has a boundary
// and swaps it in; readers keep using the old one until then.
func Rebuild(ctx context.Context, a *app.App) error {
	rebuildMu.Lock()
	defer rebuildMu.Unlock()
	grids, err := a.DB.AllAreas(ctx, directory.Grid, true)
	if err != nil {
		return err
	}
	items := make([]geo.Item, 0, len(grids))
	for _, g := range grids {
		mp, err := directory.ParseGeometry(g.Geometry)
		if err != nil {
			continue // no boundary: the grid cannot be located into
		}
		items = append(items, geo.Item{ID: g.ID, Geom: mp})
	}
	ix, err := geo.BuildIndex(items)
	if errors.Is(err, geo.ErrEmptyIndex) {
		a.Services.Grids.Store(nil)
		return nil
	}
	if err != nil {
		return err
	}
	a.Services.Grids.Store(ix)
	return nil
}

// Grid returns the unit grid that contains a WGS-84 point. It allocates
// nothing and is safe from any goroutine.
func Grid(a *app.App, lon, lat float64) (int64, bool) {
	ix := a.Services.Grids.Load()
	if ix == nil {
		return 0, false
	}
	return ix.Locate(lon, lat)
}

// Ref names an area in an answer.
type Ref struct {
	ID    int64           `json:"id"`
	Code  string          `json:"code"`
	Name  string          `json:"name"`
	Level directory.Level `json:"level"`
}

// Point is a coordinate pair in a named system.
type Point struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
	CRS geo.CRS `json:"crs"`
}

// Result is a located point: its grid and the grid's ancestors from the top down.
type Result struct {
	Grid      Ref    `json:"grid"`
	Ancestors []Ref  `json:"ancestors"`
	WGS84     Point  `json:"wgs84"`
	Input     Point  `json:"input"`
	Path      string `json:"path"`
}

// ErrUnknownCRS is returned for a coordinate system other than wgs84, gcj02, bd09.
var ErrUnknownCRS = errors.New("locate: unknown coordinate system")

// Find converts a point from crs to WGS-84 and resolves its grid with its
// ancestors. ok is false when the point lies in no grid.
func Find(ctx context.Context, a *app.App, lon, lat float64, crs geo.CRS) (res *Result, ok bool, err error) {
	wLon, wLat, known := geo.Convert(crs, geo.WGS84, lon, lat)
	if !known {
		return nil, false, ErrUnknownCRS
	}
	res = &Result{Input: Point{lon, lat, crs}, WGS84: Point{wLon, wLat, geo.WGS84}, Ancestors: []Ref{}}
	id, found := Grid(a, wLon, wLat)
	if !found {
		return res, false, nil
	}
	g, err := a.DB.Area(ctx, id)
	if err != nil {
		return nil, false, err
	}
	ids := directory.AncestorIDs(g.Path)
	byID, err := a.DB.AreasByID(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	for _, aid := range ids {
		if x, ok := byID[aid]; ok && aid != g.ID {
			res.Ancestors = append(res.Ancestors, Ref{x.ID, x.Code, x.Name, x.Level})
		}
	}
	res.Grid, res.Path = Ref{g.ID, g.Code, g.Name, g.Level}, g.Path
	return res, true, nil
}
