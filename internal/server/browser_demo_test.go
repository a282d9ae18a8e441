package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/app"
	"towngrid/internal/browsertest"
	"towngrid/internal/config"
	"towngrid/internal/demo"
	"towngrid/internal/directory"
	"towngrid/internal/server"
	"towngrid/internal/store/storetest"
)

// demoServer fills a fresh database with the demo town (towngrid demo) and
// serves it the way newFixture does, without the fixture's own areas.
func demoServer(t *testing.T, seed int64) (*httptest.Server, *demo.Summary) {
	t.Helper()
	db := storetest.SQLite(t, 0)
	sum, err := demo.Generate(ctx, db, demo.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Data = t.TempDir() // the secrets starter looks for a master key here
	a := app.New(db, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	actx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	if err := a.Start(actx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(server.New(a).Handler)
	t.Cleanup(hs.Close)
	return hs, sum
}

// The demo town's administrator opens the directory map: every one of
// 古镇镇's unit grids is drawn by the embedded Leaflet, and the side list
// shows its villages at the community level.
func TestBrowserDemoTownMap(t *testing.T) {
	needsLeaflet(t)
	const seed = 2026
	hs, sum := demoServer(t, seed)
	wantGrids := sum.Areas[directory.Grid]
	if wantGrids != 119 { // docs/demo.md: 119 grids for seed 2026
		t.Fatalf("the demo town has %d grids, docs say 119", wantGrids)
	}
	b := browsertest.New(t, 1280, 900)
	do(t, b, append(signIn(hs.URL+"/directory", "admin", demo.Passwords(seed)["admin"]),
		chromedp.WaitVisible(css("#dir-map")),
	)...)
	// directory.js sets data-grids once every page of areas is drawn.
	var grids int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		v, err := chromedp.Run(b, chromedp.AttributeValue(css("#dir-map"), "data-grids"))
		if err != nil {
			t.Fatal(err)
		}
		if grids, _ = strconv.Atoi(v.Value); grids != 0 {
			break
		}
	}
	if grids != wantGrids {
		t.Fatalf("the map drew %d grid layers, want %d", grids, wantGrids)
	}
	// Leaflet's own SVG paths: grids, communities and the town outline.
	paths, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#dir-map path.leaflet-interactive").length`))
	if err != nil {
		t.Fatal(err)
	}
	if want := wantGrids + sum.Areas[directory.Community] + 1; paths < want {
		t.Errorf("%d SVG paths on the map, want at least %d", paths, want)
	}
	// Choose the community level: the side list shows the 12 villages.
	do(t, b, chromedp.SetValue(css("#dir-level"), "community"))
	if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.getElementById("dir-level").dispatchEvent(new Event("change"))`)); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(b, chromedp.Evaluate[string](
		`Array.prototype.map.call(document.querySelectorAll("#dir-list li:not([hidden])"), function (li) { return li.dataset.level + ":" + li.textContent; }).join("\n")`))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(shown), "\n")
	if len(lines) != sum.Areas[directory.Community] {
		t.Errorf("side list shows %d entries at the community level, want %d:\n%s", len(lines), sum.Areas[directory.Community], shown)
	}
	for _, v := range []string{"古一村", "古二村", "古三村", "古四村", "曹一村", "曹二村", "曹三村", "海洲村", "冈东村", "冈南村", "六坊村", "七坊村"} {
		if !strings.Contains(shown, "community:"+v) {
			t.Errorf("side list lacks the village %s:\n%s", v, shown)
		}
	}
	shot, err := chromedp.Run(b, chromedp.FullScreenshot(100)) // quality 100 = PNG
	if err != nil {
		t.Fatal(err)
	}
	if len(shot) < 8 || string(shot[1:4]) != "PNG" {
		t.Errorf("screenshot is not a PNG (%d bytes)", len(shot))
	}
	if dir := os.Getenv("TOWNGRID_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "map.png"), shot, 0o644); err != nil {
			t.Error(err)
		}
	}
}
