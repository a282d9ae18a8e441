package server_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"towngrid/internal/browsertest"
	"towngrid/internal/store/storetest"
)

// An administrator opens the directory map: the embedded Leaflet draws the
// imported grids (counted after drawing in data-grids), and the locate box
// finds the grid of a point and drops a marker.
func TestBrowserDirectoryMap(t *testing.T) {
	needsLeaflet(t)
	f := newFixture(t, storetest.SQLite(t, 0))
	importGeo(t, f) // 8 grids with boundaries; the fixture's 2 grids have none
	b := browsertest.New(t, 1280, 900)
	do(t, b, append(signIn(f.http.URL+"/directory", "admin", testPassword),
		chromedp.WaitVisible(css("#dir-map")),
	)...)
	var grids int
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		v, err := chromedp.Run(b, chromedp.AttributeValue(css("#dir-map"), "data-grids"))
		if err != nil {
			t.Fatal(err)
		}
		if grids, _ = strconv.Atoi(v.Value); grids != 0 {
			break
		}
	}
	if grids != 8 {
		t.Fatalf("the map drew %d grid layers, want 8", grids)
	}
	paths, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#dir-map path.leaflet-interactive").length`))
	if err != nil {
		t.Fatal(err)
	}
	if paths < 8+2+1 { // grids, communities, town
		t.Errorf("%d SVG paths on the map, want at least 11", paths)
	}
	do(t, b,
		chromedp.SendKeys(css("#loc-lon"), "113.303"),
		chromedp.SendKeys(css("#loc-lat"), "22.503"),
		chromedp.Click(css("#loc-go")),
		chromedp.WaitVisible(css(".leaflet-marker-icon")),
	)
	var out string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out = text(t, b, "#loc-out"); strings.Contains(out, "44200011400104") {
			break
		}
	}
	if !strings.Contains(out, "44200011400104") {
		t.Errorf("locate box says %q", out)
	}
	if dir := os.Getenv("TOWNGRID_SCREENSHOTS"); dir != "" {
		if shot, err := chromedp.Run(b, chromedp.FullScreenshot(85)); err == nil {
			_ = os.WriteFile(filepath.Join(dir, "directory.png"), shot, 0o644)
		}
	}
	// The phone page lists the grids in scope (an admin sees all 10).
	do(t, b, chromedp.Navigate(f.http.URL+"/directory/mygrid"), chromedp.WaitVisible(css("#locate-me")))
	var n int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if n, err = chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#dir-list li:not([hidden])").length`)); err == nil && n > 0 {
			break
		}
	}
	if n != 10 {
		t.Errorf("phone page lists %d grids, want 10", n)
	}
}
