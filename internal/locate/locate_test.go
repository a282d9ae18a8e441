package locate_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/directory"
	"towngrid/internal/locate"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Grids written by someone else (another replica, the import command beside
// the server) reach this process's index without a restart.
func TestIndexFollowsOtherWriters(t *testing.T) {
	locate.RefreshEvery = 50 * time.Millisecond
	db := storetest.SQLite(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := app.New(db, config.Defaults(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	const lon, lat = 113.1905, 22.6105
	if _, ok := locate.Grid(a, lon, lat); ok {
		t.Fatal("located a point before any grid exists")
	}
	s := directory.Sample{Town: "442000105", Lon: 113.18, Lat: 22.60, Cell: 0.002, Communities: 1, CommunityCols: 1, GX: 9, GY: 9}
	rep, err := db.ImportAreas(ctx, store.System, s.Items(), nil, directory.ImportOptions{})
	if err != nil || !rep.OK() {
		t.Fatalf("import: %v %+v", err, rep)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if id, ok := locate.Grid(a, lon, lat); ok {
			g, err := db.Area(ctx, id)
			if err != nil || g.Level != directory.Grid {
				t.Fatalf("located %d: %+v %v", id, g, err)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the index did not pick up grids imported by another writer")
}
