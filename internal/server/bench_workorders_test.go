package server_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
	"towngrid/internal/workorders"
)

// Intake throughput and latency over loopback HTTP, beside a bare net/http
// handler that only INSERTs the same row into SQLite with raw SQL, in the
// same run (docs/perf-workorders.md):
//
//	go test ./internal/server -run '^$' -bench 'Intake' -benchtime 3s -cpu 2
func intakeBody(f *fixture) []byte {
	return []byte(fmt.Sprintf(`{"kind":"citycase","category":"E0102","title":"路边垃圾","description":"桥头堆了三天,需要清理","source":"hotline","area_id":%d}`, f.g1.ID))
}

func postLoop(b *testing.B, url, key string, body []byte, want int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.SetParallelism(32) // 64 concurrent clients on 2 cores
	c0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if key != "" {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			r, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != want {
				b.Fatal(r.StatusCode)
			}
		}
	})
	// Client and server share the process: this is the CPU of both per request.
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
}

func BenchmarkIntakeLoopback(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b, 0))
	e := workorders.For(f.srv.App)
	s0 := e.Batch.Stats()
	postLoop(b, f.http.URL+"/api/v1/workorders", f.keys[account.Intake], intakeBody(f), 201)
	reportBatch(b, e, s0)
}

// reportBatch reports the mean group-commit batch size of the run and the
// single writer's wall time per request (its share of the work that cannot
// run in parallel; 100 µs would cap intake at 10,000/s).
func reportBatch(b *testing.B, e *workorders.Engine, s0 store.BatchStats) {
	s1 := e.Batch.Stats()
	if n := s1.Requests - s0.Requests; n > 0 && s1.Transactions > s0.Transactions {
		b.ReportMetric(float64(n)/float64(s1.Transactions-s0.Transactions), "req/batch")
		b.ReportMetric(float64((s1.Busy-s0.Busy).Microseconds())/float64(n), "writer-µs/req")
	}
}

// cpuTime is the process's user+system CPU time: on a shared machine, CPU
// per request is steadier than wall time per request.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bareInsert is the baseline: a handler that decodes nothing and INSERTs one
// work-order row with raw SQL (autocommit, the same SQLite settings).
func bareInsert(b *testing.B) *httptest.Server {
	db := storetest.SQLite(b, 0)
	_ = db
	dir := b.TempDir()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "bare.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		b.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE workorders (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, flow TEXT, flow_version INTEGER, number TEXT, category TEXT, source TEXT, title TEXT, description TEXT,
		area_id BIGINT, area_path TEXT, state TEXT, stage TEXT, is_open BOOLEAN, seq INTEGER, case_json TEXT, period TEXT, created_at BIGINT, updated_at BIGINT)`); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		now := time.Now().UnixMilli()
		_, err := raw.Exec(`INSERT INTO workorders (kind, flow, flow_version, number, category, source, title, description, area_id, area_path, state, stage, is_open, seq, case_json, period, created_at, updated_at)
			VALUES ('citycase', 'citycase', 1, NULL, 'E0102', 'hotline', '路边垃圾', '桥头堆了三天,需要清理', 4, '/1/2/4/', 'reported', 'intake', TRUE, 1, '{}', '2025-11', ?, ?)`, now, now)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"id":1}`))
	}))
}

func BenchmarkIntakeBareInsertLoopback(b *testing.B) {
	srv := bareInsert(b)
	defer srv.Close()
	postLoop(b, srv.URL, "", []byte(`{}`), 201)
}

// In process: the engine's Intake called by 64 goroutines (no HTTP).
func BenchmarkIntakeInProcess(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b, 0))
	e := workorders.For(f.srv.App)
	who := workorders.Caller{P: &account.Principal{UserID: 1, Username: "intake", Roles: []account.Role{account.Intake}, Scopes: []string{f.town.Path}}}
	s0 := e.Batch.Stats()
	c0 := cpuTime()
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in := workorders.Report{Kind: "citycase", Category: "E0102", Title: "路边垃圾", Source: "hotline", AreaID: f.g1.ID}
			if _, err := e.Intake(ctx, who, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-µs/op")
	reportBatch(b, e, s0)
}

// Latency at a fixed 2,000 intakes/s for 3 s over loopback: p50 and p99.
func BenchmarkIntakeFixedRate2000(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b, 0))
	fixedRate(b, f.http.URL+"/api/v1/workorders", f.keys[account.Intake], intakeBody(f), 201)
}

func BenchmarkIntakeFixedRate2000Bare(b *testing.B) {
	srv := bareInsert(b)
	defer srv.Close()
	fixedRate(b, srv.URL, "", []byte(`{}`), 201)
}

func fixedRate(b *testing.B, url, key string, body []byte, want int) {
	const rate, secs = 2000, 3
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	for i := 0; i < b.N; i++ {
		lat := make([]time.Duration, 0, rate*secs)
		var mu sync.Mutex
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		start := time.Now()
		for n := 0; n < rate*secs; n++ {
			<-tick.C
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if key != "" {
					req.Header.Set("Authorization", "Bearer "+key)
				}
				r, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != want {
					b.Error(r.StatusCode)
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}()
		}
		tick.Stop()
		wg.Wait()
		el := time.Since(start)
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/el.Seconds(), "req/s")
	}
}
