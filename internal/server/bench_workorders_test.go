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
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/directory"
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

// intakeRequest is one POST of body, with the API key when key is set.
func intakeRequest(url, key string, body []byte) *http.Request {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return req
}

func postLoop(b *testing.B, url, key string, body []byte, want int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.SetParallelism(32) // 64 concurrent clients on 2 cores
	c0 := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := client.Do(intakeRequest(url, key, body))
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
	app.TuneRuntime(config.Defaults()) // as towngrid serve does
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
// work-order row with raw SQL (autocommit) through its own connection, with
// the store's SQLite settings. With real=true the row goes into the real,
// migrated workorders table (its indexes, its foreign key to areas): the same
// row into the same table, which is what the intake target compares with.
// With real=false the table has no index and no foreign key: a lower bound
// on what one INSERT per request costs.
func bareInsert(b *testing.B, real bool) *httptest.Server {
	path := filepath.Join(b.TempDir(), "bare.db")
	areaID, areaPath := int64(4), "/1/2/4/"
	if real {
		db, err := store.Open(ctx, "sqlite://"+path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx, 0); err != nil {
			b.Fatal(err)
		}
		a := &directory.Area{Level: directory.Grid, Code: "44200011300101", Name: "古一村1号网格"}
		if err := db.Write(ctx, store.System, func(tx *store.Tx) error { return tx.CreateArea(ctx, a) }); err != nil {
			b.Fatal(err)
		}
		areaID, areaPath = a.ID, a.Path
		db.Close()
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)")
	if err != nil {
		b.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if !real {
		if _, err := raw.Exec(`CREATE TABLE workorders (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, flow TEXT, flow_version INTEGER, number TEXT, category TEXT, source TEXT, title TEXT, description TEXT,
		area_id BIGINT, area_path TEXT, state TEXT, stage TEXT, is_open BOOLEAN, seq INTEGER, case_json TEXT, period TEXT, created_at BIGINT, updated_at BIGINT)`); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { raw.Close() })
	var serial atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		now := time.Now().UnixMilli()
		number := fmt.Sprintf("E0102%s%d", time.Now().Format("20060102"), serial.Add(1))
		_, err := raw.Exec(`INSERT INTO workorders (kind, flow, flow_version, number, category, source, title, description, area_id, area_path, state, stage, is_open, seq, case_json, period, created_at, updated_at)
			VALUES ('citycase', 'citycase', 1, ?, 'E0102', 'hotline', '路边垃圾', '桥头堆了三天,需要清理', ?, ?, 'reported', 'intake', TRUE, 1, '{}', '2025-11', ?, ?)`, number, areaID, areaPath, now, now)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"id":1}`))
	}))
}

// BenchmarkIntakeBareInsertLoopback is the target's baseline: the same row
// into the same (indexed) table, one INSERT per request.
func BenchmarkIntakeBareInsertLoopback(b *testing.B) {
	app.TuneRuntime(config.Defaults())
	srv := bareInsert(b, true)
	defer srv.Close()
	postLoop(b, srv.URL, "", []byte(`{}`), 201)
}

// BenchmarkIntakeBareUnindexedLoopback: the same row into a table without
// indexes or foreign keys (a lower bound for one INSERT per request).
func BenchmarkIntakeBareUnindexedLoopback(b *testing.B) {
	app.TuneRuntime(config.Defaults())
	srv := bareInsert(b, false)
	defer srv.Close()
	postLoop(b, srv.URL, "", []byte(`{}`), 201)
}

// In process: the engine's Intake called by 64 goroutines (no HTTP).
func BenchmarkIntakeInProcess(b *testing.B) {
	app.TuneRuntime(config.Defaults())
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
// The generator is open-loop: request n is due at start + n/rate whatever
// the answers to earlier ones, and its latency counts from when it was due,
// so a generator or server that falls behind shows in the figures instead of
// lowering the rate (coordinated omission).
func BenchmarkIntakeFixedRate2000(b *testing.B) {
	app.TuneRuntime(config.Defaults())
	f := newFixture(b, storetest.SQLite(b, 0))
	fixedRate(b, f.http.URL+"/api/v1/workorders", f.keys[account.Intake], intakeBody(f), 201)
}

func BenchmarkIntakeFixedRate2000Bare(b *testing.B) {
	app.TuneRuntime(config.Defaults())
	srv := bareInsert(b, true)
	defer srv.Close()
	fixedRate(b, srv.URL, "", []byte(`{}`), 201)
}

func fixedRate(b *testing.B, url, key string, body []byte, want int) {
	const rate, secs = 2000, 3
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	for i := 0; i < b.N; i++ {
		lat := make([]time.Duration, rate*secs)
		var wg sync.WaitGroup
		start := time.Now()
		for n := 0; n < rate*secs; n++ {
			due := start.Add(time.Duration(n) * time.Second / rate)
			if d := time.Until(due); d > 0 {
				time.Sleep(d)
			}
			wg.Add(1)
			go func(n int, due time.Time) {
				defer wg.Done()
				r, err := client.Do(intakeRequest(url, key, body))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != want {
					b.Error(r.StatusCode)
				}
				lat[n] = time.Since(due)
			}(n, due)
		}
		sent := time.Since(start)
		wg.Wait()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(len(lat))/sent.Seconds(), "sent/s")
	}
}
