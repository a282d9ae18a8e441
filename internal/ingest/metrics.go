package ingest

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the ingest counters, in a registry of their own (served at
// /metrics/monitoring) because the server's registry is private to it.
type Metrics struct {
	reg       *prometheus.Registry
	messages  prometheus.Counter
	readings  prometheus.Counter
	rejected  *prometheus.CounterVec
	batchSize prometheus.Histogram
	batchSecs prometheus.Histogram
	alarms    *prometheus.CounterVec
}

func newMetrics(depth func() float64) *Metrics {
	m := &Metrics{
		reg:      prometheus.NewRegistry(),
		messages: prometheus.NewCounter(prometheus.CounterOpts{Name: "towngrid_ingest_messages_total", Help: "Device messages stored."}),
		readings: prometheus.NewCounter(prometheus.CounterOpts{Name: "towngrid_ingest_readings_total", Help: "Readings stored (raw, not derived)."}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "towngrid_ingest_rejected_total", Help: "Messages refused, by reason."}, []string{"reason"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "towngrid_ingest_batch_messages", Help: "Messages per group-commit transaction.",
			Buckets: []float64{1, 4, 16, 64, 256, 1024, 4096}}),
		batchSecs: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "towngrid_ingest_batch_seconds", Help: "Duration of one ingest transaction.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}}),
		alarms: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "towngrid_alarms_total", Help: "Alarm transitions."}, []string{"event"}),
	}
	m.reg.MustRegister(m.messages, m.readings, m.rejected, m.batchSize, m.batchSecs, m.alarms,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "towngrid_ingest_queue_depth", Help: "Messages waiting for the writer."}, depth))
	return m
}
