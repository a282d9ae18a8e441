package ingest

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"towngrid/internal/app"
)

// Environment variables (internal/config is shared; monitoring reads its own):
//
//	TOWNGRID_MQTT_ADDR      embedded broker address, default ":1883"; "off" disables it
//	TOWNGRID_MQTT_BROKER    external broker URL (tcp://host:1883); switches to client mode
//	                        (the embedded broker then stays off unless TOWNGRID_MQTT_ADDR is set)
//	TOWNGRID_MQTT_USERNAME, TOWNGRID_MQTT_PASSWORD, TOWNGRID_MQTT_CLIENT_ID  client-mode credentials
//	TOWNGRID_MQTT_SHARE_GROUP  shared-subscription group (default towngrid)
//	TOWNGRID_INGEST_QUEUE   bounded queue in messages (default 16384)
//	TOWNGRID_INGEST_BATCH   messages per transaction (default 4096)
//	TOWNGRID_RETAIN_RAW, TOWNGRID_RETAIN_1M, TOWNGRID_RETAIN_1H, TOWNGRID_RETAIN_1D
//	                        retention: 30d, 90d, 17520h (2 y), forever by default
func init() {
	app.RegisterStarter("monitoring", func(ctx context.Context, a *app.App) error { return Start(ctx, a, os.Getenv) })
}

// Start configures a's runtime from the environment and starts it with its
// broker or client.
func Start(ctx context.Context, a *app.App, getenv func(string) string) error {
	opt := Options{}
	var err error
	if opt.Retention, err = RetentionFromEnv(getenv); err != nil {
		return err
	}
	for _, v := range []struct {
		name string
		dst  *int
	}{{"TOWNGRID_INGEST_QUEUE", &opt.QueueMessages}, {"TOWNGRID_INGEST_BATCH", &opt.MaxBatch}} {
		if s := getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1<<20 {
				return fmt.Errorf("%s: a whole number from 1 to 1048576", v.name)
			}
			*v.dst = n
		}
	}
	rt := For(a)
	if rt.Started() {
		return nil
	}
	rt = rt.Configure(opt)
	if err := rt.Start(ctx); err != nil {
		return err
	}
	broker := getenv("TOWNGRID_MQTT_BROKER")
	addr, explicit := getenv("TOWNGRID_MQTT_ADDR"), true
	if addr == "" {
		addr, explicit = ":1883", false
		if broker != "" {
			addr = "off"
		}
	}
	if addr != "off" {
		b, err := rt.StartBroker(ctx, addr)
		switch {
		case err != nil && explicit:
			return fmt.Errorf("mqtt broker on %s: %w", addr, err)
		case err != nil:
			// The default port may be taken (a Mosquitto on the same host,
			// another towngrid): HTTP keeps serving, MQTT is reported off.
			a.Log.Warn("embedded MQTT broker not started; set TOWNGRID_MQTT_ADDR", "addr", addr, "err", err)
		default:
			a.Log.Info("embedded MQTT broker", "addr", b.Addr.String(), "topic", TelemetryTopic)
		}
	}
	if broker != "" {
		id := getenv("TOWNGRID_MQTT_CLIENT_ID")
		if id == "" {
			host, _ := os.Hostname()
			id = "towngrid-" + host // stable: a restart resumes its broker session
		}
		o := ClientOptions{URL: broker, ClientID: id, Username: getenv("TOWNGRID_MQTT_USERNAME"), Password: getenv("TOWNGRID_MQTT_PASSWORD"),
			Group: getenv("TOWNGRID_MQTT_SHARE_GROUP"), SessionExpiry: 600}
		if _, err := rt.StartClient(ctx, o); err != nil {
			return fmt.Errorf("mqtt client %s: %w", broker, err)
		}
		a.Log.Info("MQTT client mode", "broker", broker, "filter", SharedFilter)
	}
	return nil
}
