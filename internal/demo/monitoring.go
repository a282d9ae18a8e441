package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"towngrid/internal/directory"
	"towngrid/internal/envstd"
	"towngrid/internal/ingest"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

// DeviceToken is a demo device with its access token. The store draws tokens
// from crypto/rand and keeps only their hash, so tokens are the one part of
// the demo the seed does not determine: they are printed once, at generation.
type DeviceToken struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Grid  string `json:"grid"` // code of the unit grid it stands in
	Token string `json:"token"`
}

// devPlan is one device to create; readings come from gen.
type devPlan struct {
	monitor.Device
	grid    string
	episode bool // the air station with a pollution episode
}

const (
	historyDays = 7
	hourMS      = int64(time.Hour / time.Millisecond)
)

// monitoringDevices places the devices of the main town: air and noise
// stations over its communities, water sections in the westernmost grids (the
// 西江 and its 河涌 run along 古镇镇's west side), smoke sensors in the old
// town.
func (w *writer) monitoringDevices() []devPlan {
	p := w.p
	r := rng(p.opt.Seed, "monitoring "+p.areas[p.mainTown].Code)
	var grids []int // grids of the main town, in plan order
	for i, a := range p.areas {
		if a.Level == directory.Grid && p.areas[a.Parent].Parent == p.mainTown && len(a.Components) > 0 {
			grids = append(grids, i)
		}
	}
	at := func(g int, name, kind string) devPlan {
		c := p.areas[g].Components[0]
		lon, lat := *c.Lon, *c.Lat
		d := devPlan{grid: p.areas[g].Code}
		d.Name, d.Kind, d.AreaID, d.Lon, d.Lat = name, kind, w.ids[g], &lon, &lat
		return d
	}
	community := func(g int) string { return p.areas[p.areas[g].Parent].Name }
	var out []devPlan
	step := max(1, len(grids)/6)
	for k := 0; k < 6; k++ {
		g := grids[(k*step+r.IntN(step))%len(grids)]
		d := at(g, fmt.Sprintf("%s空气质量监测站", community(g)), "air_station")
		d.AirClass, d.episode = 2, k == 2
		out = append(out, d)
	}
	zones := []string{"1", "2", "2", "3", "4a", "4a"}
	zoneName := map[string]string{"1": "居住区", "2": "商住混合区", "3": "工业区", "4a": "交通干线"}
	for k, z := range zones {
		g := grids[(k*step+step/2+r.IntN(step))%len(grids)]
		d := at(g, fmt.Sprintf("%s噪声监测点（%s）", community(g), zoneName[z]), "noise_station")
		d.NoiseZone = z
		out = append(out, d)
	}
	west := append([]int(nil), grids...)
	lonOf := func(g int) float64 { return *p.areas[g].Components[0].Lon }
	for i := 1; i < len(west); i++ { // insertion sort by longitude: a few dozen grids
		for j := i; j > 0 && lonOf(west[j]) < lonOf(west[j-1]); j-- {
			west[j], west[j-1] = west[j-1], west[j]
		}
	}
	for k, name := range []string{"西江古镇段断面", "西江海洲断面", "古镇河涌（曹三涌）断面"} {
		d := at(west[k*2], name, "water_section")
		d.WaterBody, d.WaterTarget = "river", 2+k/2 // 西江 II 类, 河涌 III 类
		out = append(out, d)
	}
	for k := 0; k < 3; k++ {
		g := grids[r.IntN(len(grids))]
		out = append(out, at(g, fmt.Sprintf("%s烟感%d号", community(g), k+1), "smoke"))
	}
	return out
}

// monitoring creates the devices, writes a week of readings with their
// roll-ups and derived values, then sends the last readings through the
// ingest runtime, whose alarm rules raise alarms and open their work orders.
func (l *life) monitoring() error {
	if err := l.start(); err != nil {
		return err
	}
	w := l.w
	plans := w.monitoringDevices()
	err := w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
		for i := range plans {
			tok, err := tx.CreateDevice(w.ctx, &plans[i].Device)
			if err != nil {
				return fmt.Errorf("demo: device %s: %w", plans[i].Name, err)
			}
			l.devices = append(l.devices, DeviceToken{ID: plans[i].ID, Name: plans[i].Name, Kind: plans[i].Kind, Grid: plans[i].grid, Token: tok})
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := w.db.Now()
	hNow := now - now%hourMS
	reg := envstd.Default()
	h := &history{reg: reg, cells: map[cellKey]int{}, latest: map[latestKey]int{}}
	r := rng(w.p.opt.Seed, "readings "+w.p.areas[w.p.mainTown].Code)
	for i := range plans {
		h.device(r, &plans[i], hNow-historyDays*24*hourMS, hNow)
	}
	if err := w.db.Write(w.ctx, Actor, func(tx *store.Tx) error { return h.write(w.ctx, tx) }); err != nil {
		return err
	}
	l.counts["readings"] = h.n
	return l.live(plans, now)
}

// live sends the newest readings through the real ingest path: the air
// stations' first readings of this hour close the last hour (its AQI is
// computed by the runtime), and one noise station stays over its limit for a
// quarter of an hour. The episode station's AQI and that noise station raise
// alarms, each opening an ecology work order.
func (l *life) live(plans []devPlan, now int64) error {
	w := l.w
	rt := ingest.For(l.app)
	ctx, cancel := context.WithCancel(w.ctx)
	if err := rt.Start(ctx); err != nil {
		cancel()
		return err
	}
	defer func() { cancel(); <-rt.Stopped() }()
	noisy := false // one noise alarm is enough
	for i := range plans {
		d := &plans[i]
		var msg string
		switch d.Kind {
		case "air_station":
			pm := 28.0
			if d.episode {
				pm = 125
			}
			msg = fmt.Sprintf(`{"ts":%d,"values":{"pm2_5":%g,"pm10":%g,"so2":8,"no2":31,"co":0.7,"o3":64}}`, now, pm, pm*1.5)
		case "noise_station":
			if d.NoiseZone != "4a" || noisy {
				continue
			}
			noisy = true
			var b strings.Builder
			b.WriteString("[")
			for k := 0; k <= 15; k++ {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"ts":%d,"values":{"leq":%.1f}}`, now-int64(15-k)*60_000, 81+float64(k%3)*0.4)
			}
			b.WriteString("]")
			msg = b.String()
		default:
			continue
		}
		dev, err := w.db.Device(w.ctx, d.ID)
		if err != nil {
			return err
		}
		if _, err := rt.Ingest(w.ctx, dev, []byte(msg)); err != nil {
			return fmt.Errorf("demo: live readings of %s: %w", d.Name, err)
		}
	}
	return nil
}

type cellKey struct {
	res, key string
	dev      int64
	bucket   int64
}

type latestKey struct {
	dev int64
	key string
}

// history builds the rows the ingest writer would have written for a week
// of readings (raw minute chunks, 1m/1h/1d roll-ups, latest values, the
// derived AQI, noise and water values) so that they go in one transaction:
// feeding them message by message through the runtime would take a
// transaction per hour per station (the AQI closes one hour per batch).
type history struct {
	reg    *envstd.Registry
	raw    []store.RawChunk
	cells  map[cellKey]int
	cellv  []store.RollupCell
	latest map[latestKey]int
	latv   []store.RawReading
	touch  []store.DeviceTouch
	n      int
}

func (h *history) cell(res string, dev int64, key string, bucket int64, v float64) {
	k := cellKey{res, key, dev, bucket}
	if i, ok := h.cells[k]; ok {
		c := &h.cellv[i]
		c.Min, c.Max, c.Sum, c.N = min(c.Min, v), max(c.Max, v), c.Sum+v, c.N+1
		return
	}
	h.cells[k] = len(h.cellv)
	h.cellv = append(h.cellv, store.RollupCell{Res: res, DeviceID: dev, Key: key, Bucket: bucket, Min: v, Max: v, Sum: v, N: 1})
}

// add stores one reading. Readings of a device come in time order, one per
// key and minute, so every reading is its own minute chunk.
func (h *history) add(dev int64, rd monitor.Reading) {
	minute := rd.TS - rd.TS%60_000
	h.raw = append(h.raw, store.RawChunk{DeviceID: dev, Key: rd.Key, Bucket: minute, N: 1, Data: store.AppendPoint(nil, rd.TS, rd.Value)})
	h.n++
	h.cell("1m", dev, rd.Key, minute, rd.Value)
	h.cell("1h", dev, rd.Key, rd.TS-rd.TS%hourMS, rd.Value)
	h.cell("1d", dev, rd.Key, ingest.DayBucket(rd.TS), rd.Value)
	lk := latestKey{dev, rd.Key}
	if i, ok := h.latest[lk]; ok {
		if rd.TS >= h.latv[i].TS {
			h.latv[i].TS, h.latv[i].Value = rd.TS, rd.Value
		}
		return
	}
	h.latest[lk] = len(h.latv)
	h.latv = append(h.latv, store.RawReading{DeviceID: dev, Key: rd.Key, TS: rd.TS, Value: rd.Value})
}

// diurnal is a day curve in [0, 1] peaking at the given local hours.
func diurnal(ts int64, peaks ...float64) float64 {
	t := time.UnixMilli(ts).In(monitor.China)
	hr := float64(t.Hour()) + float64(t.Minute())/60
	v := 0.0
	for _, p := range peaks {
		d := math.Abs(hr - p)
		d = min(d, 24-d)
		v = max(v, math.Exp(-d*d/8))
	}
	return v
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// device generates a device's readings from `from` up to `to` (exclusive).
func (h *history) device(r *rand.Rand, d *devPlan, from, to int64) {
	id, site := d.ID, d.Site()
	var last int64
	switch d.Kind {
	case "air_station":
		var means map[string][2]float64
		hour := int64(-1)
		closeHour := func() {
			if hour < 0 {
				return
			}
			m := map[string]float64{}
			for k, s := range means {
				m[k] = s[0] / s[1]
			}
			if out, ok := monitor.HourlyAQI(h.reg, hour, m); ok {
				for _, rd := range out {
					h.add(id, rd)
				}
			}
		}
		base := 18 + r.Float64()*10
		for ts := from; ts < to; ts += 20 * 60_000 {
			if hr := ts - ts%hourMS; hr != hour {
				closeHour()
				hour, means = hr, map[string][2]float64{}
			}
			traffic := diurnal(ts, 8, 19)
			pm := base + 22*traffic + r.NormFloat64()*3
			if d.episode && to-ts < 30*hourMS { // 工地扬尘/静稳天气: a day and a bit of haze
				pm += 95 * min(1, float64(30*hourMS-(to-ts))/float64(8*hourMS))
			}
			pm = max(3, pm)
			vals := map[string]float64{"pm2_5": round1(pm), "pm10": round1(pm * (1.45 + r.Float64()*0.2)),
				"so2": round1(6 + 4*traffic + r.Float64()*2), "no2": round1(18 + 28*traffic + r.NormFloat64()*3),
				"co": math.Round((0.5+0.5*traffic+r.Float64()*0.1)*100) / 100, "o3": round1(25 + 95*diurnal(ts, 15) + r.NormFloat64()*5)}
			for _, k := range []string{"pm2_5", "pm10", "so2", "no2", "co", "o3"} {
				v := max(0, vals[k])
				h.add(id, monitor.Reading{Key: k, TS: ts, Value: v})
				s := means[k]
				means[k] = [2]float64{s[0] + v, s[1] + 1}
			}
			last = ts
		}
		// The last hour stays open: the runtime closes it when this hour's
		// first reading arrives, as it would for a real station.
		h.touch = append(h.touch, store.DeviceTouch{DeviceID: id, LastSeen: last, AQIHour: hour})
		return
	case "noise_station":
		quiet := map[string]float64{"1": 44, "2": 50, "3": 56, "4a": 60}[d.NoiseZone]
		for ts := from; ts < to-30*60_000; ts += 15 * 60_000 {
			day := diurnal(ts, 9, 13, 18)
			rd := monitor.Reading{Key: "leq", TS: ts, Value: round1(quiet + 12*day + r.NormFloat64()*2.5)}
			h.add(id, rd)
			if dr, ok := monitor.NoiseOver(h.reg, &site, rd); ok {
				h.add(id, dr)
			}
			last = ts
		}
	case "water_section":
		tgt := float64(d.WaterTarget)
		for ts := from; ts < to-30*60_000; ts += hourMS {
			rs := []monitor.Reading{
				{Key: "ph", TS: ts, Value: math.Round((7.2+r.Float64()*0.5)*100) / 100},
				{Key: "do", TS: ts, Value: round1(7.6 - tgt*0.6 + 0.8*diurnal(ts, 15) + r.Float64()*0.3)},
				{Key: "codmn", TS: ts, Value: round1(1.6 + tgt*0.7 + r.Float64()*0.6)},
				{Key: "nh3n", TS: ts, Value: math.Round((0.12+tgt*0.16+r.Float64()*0.1)*1000) / 1000},
				{Key: "tp", TS: ts, Value: math.Round((0.03+tgt*0.03+r.Float64()*0.02)*1000) / 1000},
			}
			for _, rd := range rs {
				h.add(id, rd)
			}
			for _, dr := range monitor.WaterClasses(h.reg, &site, rs, nil) {
				h.add(id, dr)
			}
			last = ts
		}
	case "smoke":
		for ts := from; ts < to-30*60_000; ts += hourMS {
			h.add(id, monitor.Reading{Key: "smoke", TS: ts, Value: math.Round(r.Float64()*0.02*1000) / 1000})
			h.add(id, monitor.Reading{Key: "battery", TS: ts, Value: round1(98 - 3*float64(ts-from)/float64(to-from))})
			last = ts
		}
	}
	h.touch = append(h.touch, store.DeviceTouch{DeviceID: id, LastSeen: last})
}

func (h *history) write(ctx context.Context, tx *store.Tx) error {
	if err := tx.AppendReadings(ctx, h.raw); err != nil {
		return err
	}
	if err := tx.AddRollups(ctx, h.cellv); err != nil {
		return err
	}
	if err := tx.SetLatest(ctx, h.latv); err != nil {
		return err
	}
	if err := tx.TouchDevices(ctx, h.touch); err != nil {
		return err
	}
	return tx.Audit(ctx, store.Change{Action: "telemetry.ingest", Object: "telemetry", ObjectID: len(h.touch),
		Detail: fmt.Sprintf("demo history: %d readings over %d days", h.n, historyDays)})
}
