package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"net"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"towngrid/internal/monitor"
)

// TelemetryTopic is the ThingsBoard device topic of the embedded broker.
const TelemetryTopic = "v1/devices/me/telemetry"

// Broker is the embedded MQTT broker (mochi-mqtt). Devices connect with
// their access token as the MQTT username (ThingsBoard's contract) and may
// only publish to v1/devices/me/telemetry; everything else is denied.
type Broker struct {
	srv  *mqtt.Server
	Addr net.Addr
}

// StartBroker listens on addr ("127.0.0.1:0" picks a port) until ctx ends.
func (r *Runtime) StartBroker(ctx context.Context, addr string) (*Broker, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := mqtt.New(&mqtt.Options{InlineClient: false, Logger: slog.New(slog.DiscardHandler)})
	if err := srv.AddHook(&deviceHook{rt: r}, nil); err != nil {
		ln.Close()
		return nil, err
	}
	if err := srv.AddListener(listeners.NewNet("towngrid", ln)); err != nil {
		ln.Close()
		return nil, err
	}
	if err := srv.Serve(); err != nil {
		ln.Close()
		return nil, err
	}
	b := &Broker{srv: srv, Addr: ln.Addr()}
	r.mqtt = b
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return b, nil
}

// Close stops the broker.
func (b *Broker) Close() error { return b.srv.Close() }

type deviceHook struct {
	mqtt.HookBase
	rt *Runtime
}

func (h *deviceHook) ID() string { return "towngrid-devices" }

func (h *deviceHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mqtt.OnConnectAuthenticate, mqtt.OnACLCheck, mqtt.OnPublish}, []byte{b})
}

func (h *deviceHook) OnConnectAuthenticate(cl *mqtt.Client, pk packets.Packet) bool {
	_, err := h.rt.Device(context.Background(), string(pk.Connect.Username))
	return err == nil
}

// OnACLCheck: devices publish telemetry only; nobody subscribes (readings
// are served by the API, never relayed to other clients).
func (h *deviceHook) OnACLCheck(cl *mqtt.Client, topic string, write bool) bool {
	return write && topic == TelemetryTopic
}

// OnPublish parses and queues the message. mochi would PUBACK a QoS 1
// message as soon as this hook returns, so the hook rejects the packet for
// mochi and writes the PUBACK itself once the batch holding it has
// committed. Acks leave in commit order, which is arrival order, as MQTT
// requires. A full queue blocks here, and with it the client's reader.
func (h *deviceHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	rt := h.rt
	dev, err := rt.Device(context.Background(), string(cl.Properties.Username))
	if err != nil {
		cl.Stop(packets.ErrNotAuthorized) // token revoked since connecting
		return pk, packets.ErrRejectPacket
	}
	rs, _, perr := monitor.ParseTelemetry(pk.Payload, rt.db.Now(), nil)
	it := &item{dev: dev, readings: rs, bad: perr != nil}
	qos, id, v5 := pk.FixedHeader.Qos, pk.PacketID, cl.Properties.ProtocolVersion == 5
	if perr != nil {
		rt.Metrics.rejected.WithLabelValues("bad_payload").Inc()
		if qos > 0 {
			code := packets.CodeSuccess
			if v5 {
				code = packets.ErrPayloadFormatInvalid
			}
			ack(cl, qos, id, code)
		}
		_ = rt.submit(context.Background(), it, true)
		return pk, packets.ErrRejectPacket
	}
	switch qos {
	case 1:
		it.mq, it.pid, it.v5 = cl, id, v5
	case 2:
		// QoS 2 is rare for telemetry: wait for the commit, then let mochi
		// run the PUBREC/PUBREL/PUBCOMP exchange (without relaying).
		errc := make(chan error, 1)
		it.done = func(err error) { errc <- err }
		if err := rt.submit(context.Background(), it, true); err != nil {
			return pk, packets.ErrRejectPacket
		}
		if err := <-errc; err != nil {
			return pk, packets.ErrUnspecifiedError
		}
		return pk, packets.CodeSuccessIgnore
	}
	if err := rt.submit(context.Background(), it, true); err != nil && qos == 1 && v5 {
		ack(cl, 1, id, packets.ErrServerUnavailable)
	}
	return pk, packets.ErrRejectPacket
}

func ack(cl *mqtt.Client, qos byte, id uint16, code packets.Code) {
	if qos != 1 {
		return
	}
	_ = cl.WritePacket(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Puback}, PacketID: id, ReasonCode: code.Code})
}

// sendAcks writes the PUBACKs of a committed (err == nil) or failed batch,
// one write per connection. A PUBACK is 4 bytes (MQTT 3.1.1 and 5 with
// reason Success) or 5 with a v5 reason code; v3.1.1 has no negative ack, so
// a failed message gets none and the client resends it.
func sendAcks(batch []*item, err error) {
	var bufs map[*mqtt.Client][]byte
	for _, it := range batch {
		if it.mq == nil || (err != nil && !it.v5) {
			continue
		}
		if bufs == nil {
			bufs = map[*mqtt.Client][]byte{}
		}
		b := bufs[it.mq]
		if err == nil {
			b = append(b, packets.Puback<<4, 2, byte(it.pid>>8), byte(it.pid))
		} else {
			b = append(b, packets.Puback<<4, 3, byte(it.pid>>8), byte(it.pid), packets.ErrUnspecifiedError.Code)
		}
		bufs[it.mq] = b
	}
	for cl, b := range bufs {
		// mochi writes under the client's lock; acks go straight to the
		// connection (a device has no outbound messages buffered, since it
		// may not subscribe).
		cl.Lock()
		if !cl.Closed() && cl.Net.Conn != nil {
			_, _ = cl.Net.Conn.Write(b)
		}
		cl.Unlock()
	}
}
