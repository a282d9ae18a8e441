package ingest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"towngrid/internal/monitor"
)

// External broker mode (Mosquitto, EMQX): devices publish to
//
//	v1/devices/{device}/telemetry
//
// where {device} is the device's id (the broker's ACL must then let a device
// write only its own topic, e.g. Mosquitto "pattern write v1/devices/%u/telemetry"
// with the device id as username) or its full access token (checked here, for
// brokers without per-device ACLs). towngrid subscribes with an MQTT v5
// shared subscription, so several replicas split the messages between them.
const (
	SharedGroup  = "towngrid"
	SharedFilter = "$share/" + SharedGroup + "/v1/devices/+/telemetry"
)

// deviceFromTopic resolves the {device} segment of an external topic.
func (r *Runtime) deviceFromTopic(ctx context.Context, topic string) (*monitor.Device, error) {
	rest, ok := strings.CutPrefix(topic, "v1/devices/")
	seg, ok2 := strings.CutSuffix(rest, "/telemetry")
	if !ok || !ok2 || seg == "" || strings.Contains(seg, "/") {
		return nil, fmt.Errorf("ingest: topic %q is not v1/devices/{device}/telemetry", topic)
	}
	if id, err := strconv.ParseInt(seg, 10, 64); err == nil {
		d, err := r.deviceByID(ctx, id)
		if err != nil || !d.Active {
			return nil, fmt.Errorf("ingest: no active device %d", id)
		}
		return d, nil
	}
	return r.Device(ctx, seg)
}

func (r *Runtime) deviceByID(ctx context.Context, id int64) (*monitor.Device, error) {
	key := "#id:" + strconv.FormatInt(id, 10)
	now := time.Now().UnixMilli()
	if v, ok := r.tokens.Load(key); ok && v.(*cachedDevice).expires > now {
		return v.(*cachedDevice).dev, nil
	}
	d, err := r.db.Device(ctx, id)
	if err != nil {
		return nil, err
	}
	r.tokens.Store(key, &cachedDevice{dev: d, expires: now + tokenTTL.Milliseconds()})
	return d, nil
}

// Client is the connection to an external broker.
type Client struct {
	cm *autopaho.ConnectionManager
}

// ClientOptions configure client mode.
type ClientOptions struct {
	URL                string // tcp://host:1883, mqtt://, tls://
	ClientID           string
	Username, Password string
	Group              string // shared-subscription group (default "towngrid")
	// SessionExpiry keeps the broker session (and the messages queued for
	// it) across a restart, in seconds; 0 ends it with the connection.
	SessionExpiry uint32
}

// StartClient connects to the broker and consumes the shared subscription
// until ctx ends. Messages are acknowledged (manual PUBACK, in order) only
// after their batch has committed.
func (r *Runtime) StartClient(ctx context.Context, o ClientOptions) (*Client, error) {
	brokerURL := o.URL
	u, err := url.Parse(strings.Replace(brokerURL, "tcp://", "mqtt://", 1))
	if err != nil {
		return nil, err
	}
	if o.Group == "" {
		o.Group = SharedGroup
	}
	filter := "$share/" + o.Group + "/v1/devices/+/telemetry"
	var c *Client
	cfg := autopaho.ClientConfig{
		ServerUrls: []*url.URL{u}, KeepAlive: 30, CleanStartOnInitialConnection: o.SessionExpiry == 0, SessionExpiryInterval: o.SessionExpiry,
		ConnectUsername: o.Username, ConnectPassword: []byte(o.Password),
		ReconnectBackoff: func(int) time.Duration { return 2 * time.Second },
		OnConnectionUp: func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
			go func() {
				if _, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}}); err != nil {
					r.log.Error("ingest: subscribe", "filter", filter, "err", err)
				}
			}()
		},
		OnConnectError: func(err error) { r.log.Warn("ingest: broker connection", "url", brokerURL, "err", err) },
		ClientConfig: paho.ClientConfig{
			ClientID:                   o.ClientID,
			EnableManualAcknowledgment: true,
			SendAcksInterval:           5 * time.Millisecond,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
				r.onExternal(ctx, pr)
				return true, nil
			}},
		},
	}
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c = &Client{cm: cm}
	return c, nil
}

// AwaitConnection waits until the client is connected.
func (c *Client) AwaitConnection(ctx context.Context) error { return c.cm.AwaitConnection(ctx) }

// onExternal runs on paho's delivery goroutine: blocking here (a full queue)
// stops the client from reading, and the broker holds the rest.
func (r *Runtime) onExternal(ctx context.Context, pr paho.PublishReceived) {
	pb := pr.Packet
	ackIt := func() { _ = pr.Client.Ack(pb) }
	dev, err := r.deviceFromTopic(ctx, pb.Topic)
	if err != nil {
		r.Metrics.rejected.WithLabelValues("unknown_device").Inc()
		ackIt() // nothing will ever accept it: do not let it block the session
		return
	}
	rs, _, perr := monitor.ParseTelemetry(pb.Payload, r.db.Now(), nil)
	it := &item{dev: dev, readings: rs, bad: perr != nil}
	if perr != nil {
		r.Metrics.rejected.WithLabelValues("bad_payload").Inc()
	}
	it.done = func(err error) {
		if err == nil || it.bad {
			ackIt()
		}
	}
	if err := r.submit(ctx, it, true); err != nil {
		r.log.Warn("ingest: external message not queued", "err", err)
	}
}
