// Command mqttload measures towngrid's MQTT ingest on one machine: paho
// publishers (MQTT v5, QoS 1) → the embedded broker → the group-commit writer
// (raw readings, 1m/1h/1d roll-ups, AQI/noise derived by the standards, alarm
// rules) on SQLite or PostgreSQL. A message counts when its PUBACK arrives,
// which towngrid sends only after the commit. The baseline relays the same
// messages through a bare mochi broker to one subscriber with no processing.
//
//	go run ./bench/mqttload -messages 200000 -conns 16 -inflight 64
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/eclipse/paho.golang/paho"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"towngrid/internal/app"
	"towngrid/internal/config"
	"towngrid/internal/directory"
	"towngrid/internal/ingest"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

var (
	messages = flag.Int("messages", 200000, "messages to publish")
	conns    = flag.Int("conns", 16, "publisher connections (one device each... cycled over -devices)")
	inflight = flag.Int("inflight", 64, "concurrent QoS 1 publishes per connection")
	devices  = flag.Int("devices", 16, "devices (air stations, noise stations alternately)")
	dsn      = flag.String("db", "", "database DSN (default: a temporary SQLite file)")
	mode     = flag.String("mode", "both", "towngrid, baseline or both")
	cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of the towngrid run")
)

func main() {
	flag.Parse()
	ctx := context.Background()
	payloads := makePayloads()
	if *mode == "baseline" || *mode == "both" {
		c0 := cpuSeconds()
		rate, secs := baseline(ctx, payloads)
		fmt.Printf("baseline (mochi relay to 1 subscriber, no processing): %.0f msgs delivered in %.2fs = %.0f msg/s; process CPU %.1f µs/msg\n",
			rate*secs, secs, rate, (cpuSeconds()-c0)/float64(*messages)*1e6)
	}
	if *mode == "towngrid" || *mode == "both" {
		c0 := cpuSeconds()
		rate, secs, rows := towngrid(ctx, payloads)
		fmt.Printf("towngrid (stored + roll-ups + standards + alarm rules): %d msgs in %.2fs = %.0f msg/s, %.0f readings/s (%d raw points stored); process CPU %.1f µs/msg (publishers included)\n",
			*messages, secs, rate, rate*10, rows, (cpuSeconds()-c0)/float64(*messages)*1e6)
	}
}

// payloads[i] is message i: 10 keys, an explicit ts one second apart per
// device so that raw rows are distinct and hours close as time advances.
func makePayloads() [][]byte {
	start := time.Now().Add(-72 * time.Hour).UnixMilli()
	out := make([][]byte, *messages)
	for i := range out {
		ts := start + int64(i)*20 // unique per message, 50 messages/s of device time: hours close during the run
		out[i] = []byte(fmt.Sprintf(`{"ts":%d,"values":{"pm2_5":%d,"pm10":%d,"so2":8,"no2":%d,"co":0.6,"o3":%d,"leq":%d.5,"temperature":21.5,"humidity":63,"wind":2.1}}`,
			ts, 20+i%60, 40+i%70, 20+i%30, 60+i%50, 45+i%20))
	}
	return out
}

func publish(ctx context.Context, addr string, users []string, topic func(int) string, payloads [][]byte) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	begin := time.Now()
	for c := 0; c < *conns; c++ {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			log.Fatal(err)
		}
		cl := paho.NewClient(paho.ClientConfig{Conn: conn})
		dev := c % len(users)
		if _, err := cl.Connect(ctx, &paho.Connect{ClientID: "load" + strconv.Itoa(c), Username: users[dev], UsernameFlag: users[dev] != "", KeepAlive: 60, CleanStart: true}); err != nil {
			log.Fatalf("connect: %v", err)
		}
		for w := 0; w < *inflight; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(payloads) {
						return
					}
					// Message i belongs to device i % devices; this connection
					// publishes as its own device, so ts order per device is
					// what the connection sends.
					if _, err := cl.Publish(ctx, &paho.Publish{Topic: topic(dev), QoS: 1, Payload: payloads[i]}); err != nil {
						log.Fatalf("publish: %v", err)
					}
				}
			}()
		}
		defer cl.Disconnect(&paho.Disconnect{})
	}
	wg.Wait()
	return time.Since(begin)
}

func baseline(ctx context.Context, payloads [][]byte) (float64, float64) {
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumClientWritesPending = 1 << 20 // relay everything: no drops towards the slow subscriber
	srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.DiscardHandler), Capabilities: caps})
	_ = srv.AddHook(new(allowAll), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	_ = srv.AddListener(listeners.NewNet("bench", ln))
	_ = srv.Serve()
	defer srv.Close()
	addr := ln.Addr().String()
	var got, last atomic.Int64
	done := make(chan struct{})
	conn, _ := net.Dial("tcp", addr)
	sub := paho.NewClient(paho.ClientConfig{Conn: conn, OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(paho.PublishReceived) (bool, error) {
		last.Store(time.Now().UnixNano())
		if got.Add(1) == int64(len(payloads)) {
			close(done)
		}
		return true, nil
	}}})
	if _, err := sub.Connect(ctx, &paho.Connect{ClientID: "sub", KeepAlive: 60, CleanStart: true}); err != nil {
		log.Fatal(err)
	}
	if _, err := sub.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: "v1/devices/+/telemetry", QoS: 1}}}); err != nil {
		log.Fatal(err)
	}
	users := make([]string, *devices)
	begin := time.Now()
	publish(ctx, addr, users, func(d int) string { return "v1/devices/" + strconv.Itoa(d) + "/telemetry" }, payloads)
	// Wait for the subscriber; stop when nothing arrived for 3 s (messages
	// the broker dropped) and count only what was delivered.
	for {
		select {
		case <-done:
		case <-time.After(500 * time.Millisecond):
			if time.Since(time.Unix(0, last.Load())) < 3*time.Second {
				continue
			}
			log.Printf("baseline: subscriber got %d of %d", got.Load(), len(payloads))
		}
		break
	}
	secs := time.Unix(0, last.Load()).Sub(begin).Seconds()
	return float64(got.Load()) / secs, secs
}

func towngrid(ctx context.Context, payloads [][]byte) (float64, float64, int64) {
	d := *dsn
	if d == "" {
		dir, err := os.MkdirTemp("", "mqttload")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		d = "sqlite://" + filepath.Join(dir, "load.db")
	}
	db, err := store.Open(ctx, d)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, 0); err != nil {
		log.Fatal(err)
	}
	a := app.New(db, config.Defaults(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	sys := store.Actor{Name: "bench", Via: "cli"}
	grid := &directory.Area{Level: directory.Town, Code: "442000113", Name: "古镇镇"}
	tokens := make([]string, *devices)
	err = db.Write(ctx, sys, func(tx *store.Tx) error {
		if err := tx.CreateArea(ctx, grid); err != nil {
			return err
		}
		for i := range tokens {
			dev := &monitor.Device{Name: "dev" + strconv.Itoa(i), Kind: "air_station", AreaID: grid.ID}
			if i%2 == 1 {
				dev.Kind, dev.NoiseZone = "noise_station", "2"
			}
			var err error
			if tokens[i], err = tx.CreateDevice(ctx, dev); err != nil {
				return err
			}
		}
		// Alarm rules beyond the seeded ones, evaluated on every message.
		for _, k := range []string{"pm10", "temperature", "humidity"} {
			r := &monitor.Rule{Name: k + " high", DeviceKind: "air_station", Key: k, Severity: "WARNING", Enabled: true,
				RuleBody: monitor.RuleBody{Condition: monitor.Condition{Op: "gt", Value: 1000, Type: "duration", Seconds: 300}}}
			if err := tx.CreateAlarmRule(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rt := ingest.For(a)
	if err := rt.Start(rctx); err != nil {
		log.Fatal(err)
	}
	b, err := rt.StartBroker(rctx, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			log.Fatal(err)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	el := publish(ctx, b.Addr.String(), tokens, func(int) string { return ingest.TelemetryTopic }, payloads)
	var rows int64
	_ = db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM readings`).Scan(&rows)
	return float64(len(payloads)) / el.Seconds(), el.Seconds(), rows
}

// allowAll is mochi's AllowHook (hooks/auth pulls in a YAML dependency the
// module does not carry).
type allowAll struct{ mqtt.HookBase }

func (h *allowAll) ID() string { return "allow-all" }
func (h *allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}
func (h *allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }
func (h *allowAll) OnACLCheck(*mqtt.Client, string, bool) bool              { return true }

// cpuSeconds is the CPU time (user + system) this process has used: on a
// shared machine it says what a message costs, whatever the neighbours do.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
