package server_test

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/directory"
	"towngrid/internal/locate"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// BenchmarkLocateHTTP measures GET /api/v1/locate over loopback against
// 10,000 grids, beside a bare net/http handler that returns a constant JSON
// body in the same run (the floor of what any handler can do here). Both are
// driven by b.RunParallel with keep-alive clients. docs/perf-directory.md.
func BenchmarkLocateHTTP(b *testing.B) {
	db := storetest.SQLite(b, 0)
	f := newFixture(b, db)
	s := directory.Sample{Town: "442000114", Lon: 113.0, Lat: 22.0, Cell: 0.002, Communities: 125, CommunityCols: 25, GX: 10, GY: 8, CommunityGeometry: true}
	if rep, err := db.ImportAreas(ctx, store.Actor{Name: "bench", Via: "cli"}, s.Items(), nil, directory.ImportOptions{}); err != nil || !rep.OK() {
		b.Fatal(rep, err)
	}
	if err := locate.Rebuild(ctx, f.srv.App); err != nil {
		b.Fatal(err)
	}
	w, h := 25*10*0.002, 5*8*0.002
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(b *testing.B, url string, withKey bool) {
		req, _ := http.NewRequest("GET", url, nil)
		if withKey {
			req.Header.Set("Authorization", "Bearer "+f.keys[account.Dispatcher])
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.Run("locate", func(b *testing.B) {
		b.SetParallelism(8) // 16 client goroutines on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			r := rand.New(rand.NewPCG(1, 2))
			for pb.Next() {
				lon := 113.0 + 0.001 + r.Float64()*(w-0.002)
				lat := 22.0 + 0.001 + r.Float64()*(h-0.002)
				get(b, f.http.URL+"/api/v1/locate?lon="+strconv.FormatFloat(lon, 'f', 7, 64)+"&lat="+strconv.FormatFloat(lat, 'f', 7, 64), true)
			}
		})
	})
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"grid":{"id":1,"code":"44200011400101","name":"x","level":"grid"}}`+"\n")
	}))
	defer bare.Close()
	b.Run("bare-constant-json", func(b *testing.B) {
		b.SetParallelism(8) // 16 client goroutines on 2 cores
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				get(b, bare.URL+"/?lon=113.1&lat=22.1", false)
			}
		})
	})
	b.Run("locate-func", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < b.N; i++ {
			if _, ok := locate.Grid(f.srv.App, 113.0+0.001+r.Float64()*(w-0.002), 22.0+0.001+r.Float64()*(h-0.002)); !ok {
				b.Fatal("miss")
			}
		}
	})
}
