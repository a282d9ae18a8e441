package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"towngrid/internal/account"
	"towngrid/internal/store/storetest"
)

// The cost of the one router (authentication by API key, authorisation,
// request id, metrics, JSON) over loopback, beside a bare net/http handler
// that writes the same bytes, in the same run:
//
//	go test ./internal/server -run '^$' -bench 'Loopback' -benchtime 3s -cpu 2
func BenchmarkLoopbackMeAPIKey(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b, 0))
	key := f.keys[account.Leader]
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", f.http.URL+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+key)
			r, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != 200 {
				b.Fatal(r.StatusCode)
			}
		}
	})
}

func BenchmarkLoopbackBareHandler(b *testing.B) {
	body := []byte(`{"id":2,"username":"leader","name":"测试leader","lang":"zh-CN","roles":["leader"],"scopes":["/1/"],"perms":[]}` + "\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, err := client.Get(srv.URL + "/api/v1/me")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
	})
}
