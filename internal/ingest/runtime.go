// Package ingest runs monitoring in a towngrid process: the embedded MQTT
// broker (or a client of an external one), HTTP telemetry, the bounded queue
// and the group-commit writer that stores readings with their roll-ups,
// derived standard values and alarm rules, and the retention sweep.
//
// Durability contract: a publisher's PUBACK (QoS 1) or HTTP 200 is sent only
// after the transaction holding its readings has committed. The queue is
// bounded: when full, HTTP answers 503 + Retry-After and MQTT stops reading
// from the client's connection (TCP back-pressure) — memory never grows.
package ingest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/prometheus/client_golang/prometheus"

	"towngrid/internal/app"
	"towngrid/internal/envstd"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

// AlarmCase is what the work-order engine needs to open an ecology case
// (flow "alarm") for an alarm, inside the ingest transaction.
type AlarmCase struct {
	AlarmID     int64
	DeviceID    int64
	DeviceName  string
	AreaID      int64 // the device's grid
	AreaPath    string
	Lon, Lat    *float64
	Category    string // 事件小类, e.g. E0601 噪声扰民
	Severity    monitor.Severity
	Title       string
	Description string
	At          int64 // the alarm's start, unix ms
}

// CaseOpener is the work-order engine's intake as monitoring needs it. Both
// methods run inside the caller's transaction, so an alarm and its work order
// commit together or not at all. The lead wires the engine's implementation
// with RegisterCaseOpener.
type CaseOpener interface {
	OpenAlarmCase(ctx context.Context, tx *store.Tx, c AlarmCase) (workOrderID int64, err error)
	// NoteAlarmCleared appends a note to the work order an alarm opened.
	NoteAlarmCleared(ctx context.Context, tx *store.Tx, workOrderID int64, note string) error
}

var (
	openerMu      sync.RWMutex
	openerFactory func(a *app.App) CaseOpener
)

// RegisterCaseOpener installs the work-order intake used by alarms (the
// work-order package calls it from init, tests with a fake).
func RegisterCaseOpener(f func(a *app.App) CaseOpener) {
	openerMu.Lock()
	openerFactory = f
	openerMu.Unlock()
}

func caseOpener(a *app.App) CaseOpener {
	openerMu.RLock()
	defer openerMu.RUnlock()
	if openerFactory == nil {
		return nil
	}
	return openerFactory(a)
}

// Options tune a runtime; zero values take the defaults.
type Options struct {
	QueueMessages int           // bounded queue, in messages (default 16384)
	MaxBatch      int           // messages per transaction (default 4096)
	Retention     Retention     // how long each resolution is kept
	RuleReload    time.Duration // how often rules are re-read (default 30 s)
}

// Runtime is one process's monitoring machinery over one App.
type Runtime struct {
	a       *app.App
	db      *store.DB
	log     *slog.Logger
	opt     Options
	queue   chan *item
	reg     *envstd.Registry
	opener  CaseOpener
	Metrics *Metrics
	tokens  sync.Map // token → *cachedDevice
	proc    *processor
	reload  atomic.Bool
	started atomic.Bool
	stopped chan struct{}
	mqtt    *Broker
}

type cachedDevice struct {
	dev     *monitor.Device
	expires int64
}

var runtimes sync.Map // *app.App → *Runtime

// For returns a's runtime, creating it (not started) on first use. The App
// has no field for capabilities' services; this registry keyed by the App
// stands in for one, as workorders.For does.
func For(a *app.App) *Runtime {
	if r, ok := runtimes.Load(a); ok {
		return r.(*Runtime)
	}
	r, _ := runtimes.LoadOrStore(a, newRuntime(a, Options{}))
	return r.(*Runtime)
}

// Forget drops a's runtime (tests that open many Apps).
func Forget(a *app.App) { runtimes.Delete(a) }

func newRuntime(a *app.App, opt Options) *Runtime {
	if opt.QueueMessages <= 0 {
		opt.QueueMessages = 16384
	}
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 4096
	}
	if opt.RuleReload <= 0 {
		opt.RuleReload = 30 * time.Second
	}
	if opt.Retention == (Retention{}) {
		opt.Retention = DefaultRetention()
	}
	r := &Runtime{a: a, db: a.DB, log: a.Log, opt: opt, queue: make(chan *item, opt.QueueMessages), reg: envstd.Default(), stopped: make(chan struct{})}
	r.Metrics = newMetrics(func() float64 { return float64(len(r.queue)) })
	r.proc = newProcessor(r)
	return r
}

// Configure replaces the options of a runtime that has not started (tests).
func (r *Runtime) Configure(opt Options) *Runtime {
	if r.started.Load() {
		panic("ingest: Configure after Start")
	}
	n := newRuntime(r.a, opt)
	runtimes.Store(r.a, n)
	return n
}

// Registry is the Prometheus registry holding the ingest metrics.
func (r *Runtime) Registry() *prometheus.Registry { return r.Metrics.reg }

// Standards is the registry of environmental standards in use.
func (r *Runtime) Standards() *envstd.Registry { return r.reg }

// Started reports whether the writer runs.
func (r *Runtime) Started() bool { return r.started.Load() }

// Start runs the writer and the retention sweep until ctx ends. It is
// idempotent.
func (r *Runtime) Start(ctx context.Context) error {
	if !r.started.CompareAndSwap(false, true) {
		return nil
	}
	r.opener = caseOpener(r.a)
	if err := r.proc.load(ctx); err != nil {
		return err
	}
	go r.writer(ctx)
	go r.retention(ctx)
	go func() {
		<-r.stopped
		runtimes.CompareAndDelete(r.a, r) // a stopped runtime is not found again
	}()
	return nil
}

// Stopped is closed once the writer has finished after ctx ended.
func (r *Runtime) Stopped() <-chan struct{} { return r.stopped }

// Reload makes the writer re-read rules and rule state before its next batch
// (after an API change to rules or a manual clear).
func (r *Runtime) Reload() { r.reload.Store(true) }

// ForgetDevice drops cached tokens of a device (after a rotation or retirement).
func (r *Runtime) ForgetDevice(id int64) {
	r.tokens.Range(func(k, v any) bool {
		if v.(*cachedDevice).dev.ID == id {
			r.tokens.Delete(k)
		}
		return true
	})
}

// tokenTTL bounds how long a device change on another replica can go unseen.
const tokenTTL = 30 * time.Second

// Device authenticates a token, with a short-lived cache so that the MQTT
// path does not query the database per message.
func (r *Runtime) Device(ctx context.Context, token string) (*monitor.Device, error) {
	now := time.Now().UnixMilli()
	if v, ok := r.tokens.Load(token); ok {
		c := v.(*cachedDevice)
		if c.expires > now {
			return c.dev, nil
		}
	}
	d, err := r.db.DeviceByToken(ctx, token)
	if err != nil {
		r.tokens.Delete(token)
		return nil, err
	}
	r.tokens.Store(token, &cachedDevice{dev: d, expires: now + tokenTTL.Milliseconds()})
	return d, nil
}

// Errors of Submit.
var (
	ErrQueueFull  = errors.New("ingest: queue full")
	ErrNotRunning = errors.New("ingest: not running")
)

// item is one message in the queue.
type item struct {
	dev      *monitor.Device
	readings []monitor.Reading
	bad      bool
	done     func(error) // called once the item's transaction ended
	// MQTT QoS 1 from the embedded broker: the PUBACK the writer sends after
	// the commit, grouped per connection (one write for a batch's acks).
	mq  *mqtt.Client
	pid uint16
	v5  bool
}

// submit queues it; block applies back-pressure (MQTT), otherwise a full
// queue is refused at once (HTTP sheds with 503).
func (r *Runtime) submit(ctx context.Context, it *item, block bool) error {
	if !r.started.Load() {
		return ErrNotRunning
	}
	if !block {
		select {
		case r.queue <- it:
			return nil
		default:
			r.Metrics.rejected.WithLabelValues("queue_full").Inc()
			return ErrQueueFull
		}
	}
	select {
	case r.queue <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stopped:
		return ErrNotRunning
	}
}

// Ingest stores one device message and returns once it is committed (HTTP
// path). A bad payload is counted on the device and returned as *monitor.Error.
func (r *Runtime) Ingest(ctx context.Context, dev *monitor.Device, payload []byte) (int, error) {
	rs, _, perr := monitor.ParseTelemetry(payload, r.db.Now(), nil)
	it := &item{dev: dev, readings: rs, bad: perr != nil}
	errc := make(chan error, 1)
	it.done = func(err error) { errc <- err }
	if perr != nil {
		r.Metrics.rejected.WithLabelValues("bad_payload").Inc()
		if err := r.submit(ctx, it, false); err != nil {
			return 0, err
		}
		<-errc
		return 0, perr
	}
	if err := r.submit(ctx, it, false); err != nil {
		return 0, err
	}
	select {
	case err := <-errc:
		return len(rs), err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
