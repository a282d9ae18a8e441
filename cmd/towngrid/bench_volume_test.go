package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// BenchmarkVolumeServe measures the real binary serving a data directory of
// TOWNGRID_BENCH_ROWS work orders (storetest.OpenVolume's data: a town of 25 ×
// 40 grids, rows of ≈ 1 KB, 10 % open with their pending timers, counter
// cells and roll-ups; default 100,000) beside the same binary on the baseline
// directory: migrated, the same areas and account, no work orders
// (docs/perf-volume.md); rows-N-cold evicts the database file from the OS page
// cache before each start (posix_fadvise, Linux). Each iteration starts `towngrid serve` as a child
// process and reports:
//
//	ready-ms      exec → first 200 from /readyz (median of the iterations)
//	rss-ready-MB  VmRSS once ready
//	list-p50-ms, list-p99-ms  GET /api/v1/workorders (area scope + queue, pages
//	              of 50, cursors followed), one client over loopback
//	rss-MB, hwm-MB  VmRSS and VmHWM after the list requests and a concurrent
//	              phase (8 clients: lists of every community, deep cursors,
//	              indicators), the largest of the iterations
//	late-timers   pending timers more than 1 s past fire_at after the requests
//	timers-fired-ms  ready → no pending timer more than 1 s past fire_at
//	              (the backlog of timers that fell due while no server ran;
//	              the largest of the iterations)
//
// Keep the 10 M rows between runs with TOWNGRID_BENCH_KEEP:
//
//	TOWNGRID_BENCH_KEEP=/tmp/tgvol TOWNGRID_BENCH_ROWS=10000000 go test ./cmd/towngrid -run '^$' -bench VolumeServe -benchtime 3x -timeout 2h
func BenchmarkVolumeServe(b *testing.B) {
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "towngrid")
	t0 := time.Now()
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	b.Logf("built %s in %v", bin, time.Since(t0).Round(time.Millisecond))
	n := storetest.BenchRows(100_000)
	var baseDir string // generated once per process
	for _, c := range []struct {
		name string
		rows int
		cold bool
	}{{"baseline-no-workorders", 0, false}, {"rows-" + strconv.Itoa(n), n, false}, {"rows-" + strconv.Itoa(n) + "-cold", n, true}} {
		b.Run(c.name, func(b *testing.B) {
			dir := storetest.VolumeDir(c.rows)
			if c.rows == 0 {
				if baseDir == "" {
					baseDir = filepath.Join(tmp, "baseline")
				}
				dir = baseDir
			} else if dir == "" {
				dir = filepath.Join(tmp, "rows")
			}
			info, reused, err := storetest.EnsureVolume(dir, c.rows, b.Logf)
			if err != nil {
				b.Fatal(err)
			}
			if reused {
				b.Logf("data reused from %s (generated %s in %.0fs)", dir, info.GeneratedAt, info.TotalSeconds)
			}
			key := benchKey(b, dir, info)
			var ready []float64
			var lat []time.Duration
			var rssReady, rss, hwm, late float64
			var catchup []float64
			for i := 0; i < b.N; i++ {
				if c.cold {
					// The database file's pages leave the OS page cache (this
					// file only: posix_fadvise DONTNEED), as after a reboot.
					for _, f := range []string{"towngrid.db", "towngrid.db-wal"} {
						if err := evictFile(filepath.Join(dir, f)); err != nil {
							b.Fatal(err)
						}
					}
				}
				r := serveOnce(b, bin, dir, key, info)
				ready = append(ready, r.ready.Seconds()*1000)
				lat = append(lat, r.lat...)
				rssReady = max(rssReady, r.rssReady)
				rss, hwm, late = max(rss, r.rss), max(hwm, r.hwm), max(late, float64(r.late))
				catchup = append(catchup, r.caughtUp.Seconds()*1000)
				b.Logf("run %d: ready %.0f ms, RSS ready %.0f MB, after the requests %.0f MB, HWM %.0f MB; %d timed list requests, %d concurrent requests; timers > 1 s late: %d at ready, %d after the requests, none %.0f ms after ready; sampled peak RSS %.0f MB of which Go runtime %.0f MB (heap in use %.0f MB); load %s",
					i+1, ready[len(ready)-1], r.rssReady, r.rss, r.hwm, len(r.lat), r.concurrent, r.dueAtReady, r.late, catchup[len(catchup)-1], r.peakRSS, r.peakGoSys, r.peakHeap, loadavg())
			}
			sort.Float64s(ready)
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(ready[len(ready)/2], "ready-ms")
			b.ReportMetric(rssReady, "rss-ready-MB")
			b.ReportMetric(rss, "rss-MB")
			b.ReportMetric(hwm, "hwm-MB")
			b.ReportMetric(late, "late-timers")
			sort.Float64s(catchup)
			b.ReportMetric(catchup[len(catchup)-1], "timers-fired-ms")
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "list-p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "list-p99-ms")
			}
		})
	}
}

// benchKey creates a dispatcher of the whole town with an API key (one per
// run: the kept data collects a few accounts, which no measure reads).
func benchKey(b *testing.B, dir string, info *storetest.VolumeInfo) string {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(dir, "towngrid.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	account.SetHashCost(1, 64)
	hash, err := account.HashPassword("bench-pass-123")
	if err != nil {
		b.Fatal(err)
	}
	u := &account.User{Username: fmt.Sprintf("bench%d", time.Now().UnixNano()%1e12), DisplayName: "bench", Roles: []account.Role{account.Dispatcher}, ScopeAreaIDs: []int64{info.TownID}}
	k := &store.APIKey{Name: "bench", Perms: []account.Perm{"*"}}
	var key string
	err = db.Write(ctx, store.Actor{Name: "bench", Via: "cli"}, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, u, hash); err != nil {
			return err
		}
		k.UserID = u.ID
		key, err = tx.CreateAPIKey(ctx, k)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return key
}

type serveResult struct {
	ready              time.Duration
	rssReady, rss, hwm float64 // MB
	lat                []time.Duration
	dueAtReady         int           // timers > 1 s overdue when ready
	concurrent         int           // requests of the concurrent phase
	peakRSS            float64       // MB, largest sampled VmRSS in the concurrent phase
	peakGoSys          float64       // MB, the Go runtime's memory at that sample
	peakHeap           float64       // MB, Go heap in use at that sample
	late               int           // timers > 1 s overdue after the requests
	caughtUp           time.Duration // ready → no timer > 1 s overdue
}

func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func serveOnce(b *testing.B, bin, dir, key string, info *storetest.VolumeInfo) serveResult {
	var r serveResult
	addr := freeAddr(b)
	base := "http://" + addr
	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", addr, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "TOWNGRID_MQTT_ADDR=off")
	logf, err := os.Create(filepath.Join(b.TempDir(), "serve.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				r.ready = time.Since(t0)
				break
			}
		}
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logf.Name())
			b.Fatalf("towngrid serve exited: %v\n%s", err, log)
		default:
		}
		if time.Since(t0) > 5*time.Minute {
			b.Fatal("not ready after 5 minutes")
		}
		time.Sleep(2 * time.Millisecond)
	}
	pid := cmd.Process.Pid
	r.rssReady, _ = procStatus(b, pid)
	// Timers more than 1 s past fire_at, polled from here (another
	// connection) every 20 ms while the requests run: when the backlog a
	// restart finds (timers that fell due while no server ran) is fired.
	db, err := store.Open(context.Background(), "sqlite://"+filepath.Join(dir, "towngrid.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	late := func() (n int) {
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM workorder_timers WHERE fired_at = 0 AND fire_at < ?`, time.Now().UnixMilli()-1000).Scan(&n); err != nil {
			b.Error(err)
		}
		return n
	}
	r.dueAtReady = late()
	pollDone := make(chan struct{})
	pollStop := make(chan struct{})
	go func() {
		defer close(pollDone)
		for late() > 0 {
			select {
			case <-pollStop:
				r.caughtUp = -1
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		r.caughtUp = time.Since(t0) - r.ready
	}()
	get := func(path string) (*listPage, time.Duration) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var p listPage
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(t)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d %v %.300s", path, resp.StatusCode, err, body)
		}
		if strings.HasPrefix(path, "/api/v1/workorders") {
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
		return &p, d
	}
	// The list requests of a dispatcher's screens: each query's first page
	// and four more pages by cursor, round after round.
	queries := []string{
		"/api/v1/workorders?queue=dispatch&limit=50",
		"/api/v1/workorders?queue=open&limit=50",
		"/api/v1/workorders?queue=department&area_id=%c&limit=50",
		"/api/v1/workorders?queue=open&area_id=%g&limit=50",
	}
	for round := 0; round < 25; round++ {
		for qi, q := range queries {
			q = strings.ReplaceAll(q, "%c", strconv.FormatInt(info.Communities[(round+qi)%len(info.Communities)], 10))
			q = strings.ReplaceAll(q, "%g", strconv.FormatInt(info.GridIDs[(round*37+qi)%len(info.GridIDs)], 10))
			path := q
			for page := 0; page < 5 && path != ""; page++ {
				p, d := get(path)
				r.lat = append(r.lat, d)
				path = ""
				if p.NextCursor != "" {
					path = q + "&cursor=" + p.NextCursor
				}
			}
		}
	}
	// Concurrent phase: 8 clients for TOWNGRID_BENCH_SERVE_SECONDS (default
	// 10) over every community and queue, cursors up to 50 pages deep, and
	// indicators, so that every reader connection fills its page cache.
	var wg sync.WaitGroup
	period := ""
	if len(info.Months) >= 6 {
		period = info.Months[len(info.Months)-6]
	}
	secs, _ := strconv.Atoi(os.Getenv("TOWNGRID_BENCH_SERVE_SECONDS"))
	if secs <= 0 {
		secs = 10
	}
	stop := time.Now().Add(time.Duration(secs) * time.Second)
	var mu sync.Mutex
	// Memory sampled every 250 ms: at the largest RSS, how much of it the Go
	// runtime holds (go_memstats_sys_bytes); the rest is mostly SQLite's page
	// caches (modernc.org/libc allocates outside the Go heap).
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for time.Now().Before(stop) {
			rss, _ := procStatus(b, pid)
			sys, heap := goMem(client, base)
			if rss > r.peakRSS {
				r.peakRSS, r.peakGoSys, r.peakHeap = rss, sys, heap
			}
			time.Sleep(250 * time.Millisecond)
		}
	}()
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			n := 0
			for i := 0; time.Now().Before(stop); i++ {
				com := info.Communities[(c*7+i)%len(info.Communities)]
				q := fmt.Sprintf("/api/v1/workorders?queue=%s&area_id=%d&limit=100", []string{"open", "department", "dispatch", "check", "all"}[(c+i)%5], com)
				path := q
				for page := 0; page < 50 && path != "" && time.Now().Before(stop); page++ {
					p, _ := get(path)
					n++
					path = ""
					if p.NextCursor != "" {
						path = q + "&cursor=" + p.NextCursor
					}
				}
				if period != "" && i%10 == 0 {
					get(fmt.Sprintf("/api/v1/indicators?area_id=%d&period=%s&group=%s", info.TownID, period, []string{"", "category", "area"}[i%3]))
					n++
				}
			}
			mu.Lock()
			r.concurrent += n
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	<-sampled
	r.rss, r.hwm = procStatus(b, pid)
	// Timers the sweeper should have fired by now (more than 1 s overdue).
	r.late = late()
	if r.late > 0 { // give the sweeper up to a minute more
		select {
		case <-pollDone:
		case <-time.After(time.Minute):
		}
	}
	close(pollStop)
	<-pollDone
	return r
}

// goMem reads go_memstats_sys_bytes and go_memstats_heap_inuse_bytes (MB)
// from /metrics.
func goMem(c *http.Client, base string) (sys, heap float64) {
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_memstats_sys_bytes":
			sys = v / (1 << 20)
		case "go_memstats_heap_inuse_bytes":
			heap = v / (1 << 20)
		}
	}
	return sys, heap
}

type listPage struct {
	NextCursor string `json:"next_cursor"`
}

// procStatus reads VmRSS and VmHWM (MB) of pid.
func procStatus(b *testing.B, pid int) (rss, hwm float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fs[1], 64)
		switch fs[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
