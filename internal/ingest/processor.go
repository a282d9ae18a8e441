package ingest

import (
	"context"
	"fmt"
	"time"

	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

// Bucket widths. China keeps UTC+8 all year, so a local day starts at a
// fixed offset from UTC midnight and buckets are plain arithmetic.
const (
	minuteMS   = int64(60_000)
	hourMS     = 60 * minuteMS
	dayMS      = 24 * hourMS
	chinaShift = 8 * hourMS
)

func floor(ts, w int64) int64 {
	b := ts - ts%w
	if ts%w < 0 {
		b -= w
	}
	return b
}

// DayBucket is the start of the local (Asia/Shanghai) day holding ts.
func DayBucket(ts int64) int64 { return floor(ts+chinaShift, dayMS) - chinaShift }

type cellKey struct {
	res    string
	dev    int64
	key    string
	bucket int64
}

type latestKey struct {
	dev int64
	key string
}

type evalItem struct {
	dev *monitor.Device
	r   monitor.Reading
}

type alarmRef struct{ id, workOrder int64 }

// processor turns a batch of messages into rows. It runs only on the writer
// goroutine; its caches mirror the database and are reloaded whenever a
// transaction fails, so they never hold a state that was not committed.
type processor struct {
	rt       *Runtime
	byKey    map[string][]*monitor.Rule
	states   map[store.RuleKey]monitor.State
	alarms   map[store.RuleKey]alarmRef
	aqiHour  map[int64]int64
	lastLoad time.Time

	raw     map[latestKey]map[int64]int // (device, key) → minute → index in rawList
	rawList []store.RawChunk
	nRaw    int
	cells   map[cellKey]int
	cellArr []store.RollupCell
	latest  map[latestKey]int
	latArr  []store.RawReading
	touches map[int64]*store.DeviceTouch
	evals   []evalItem
	hours   map[int64]int64 // air device → newest hour in this batch
	devs    map[int64]*monitor.Device
	attrs   map[int64]map[string]float64
	derived []monitor.Reading
}

func newProcessor(rt *Runtime) *processor {
	return &processor{rt: rt, raw: map[latestKey]map[int64]int{}, cells: map[cellKey]int{}, latest: map[latestKey]int{}, touches: map[int64]*store.DeviceTouch{},
		hours: map[int64]int64{}, devs: map[int64]*monitor.Device{}, attrs: map[int64]map[string]float64{}, aqiHour: map[int64]int64{}}
}

// load reads rules, rule states and active alarms.
func (p *processor) load(ctx context.Context) error {
	db := p.rt.db
	rules, err := db.AlarmRules(ctx)
	if err != nil {
		return err
	}
	p.byKey = map[string][]*monitor.Rule{}
	for _, r := range rules {
		if r.Enabled {
			p.byKey[r.Key] = append(p.byKey[r.Key], r)
		}
	}
	if p.states, err = db.RuleStates(ctx); err != nil {
		return err
	}
	active, err := db.ListAlarms(ctx, store.AlarmFilter{Scope: store.Scope{All: true}, Status: "active", Limit: 1 << 30})
	if err != nil {
		return err
	}
	p.alarms = map[store.RuleKey]alarmRef{}
	for _, a := range active {
		p.alarms[store.RuleKey{RuleID: a.RuleID, DeviceID: a.DeviceID}] = alarmRef{a.ID, a.WorkOrderID}
	}
	p.aqiHour = map[int64]int64{}
	p.lastLoad = time.Now()
	return nil
}

func (p *processor) reset(ctx context.Context) {
	if err := p.load(ctx); err != nil {
		p.rt.log.Error("ingest: reload after failure", "err", err)
	}
}

func (p *processor) commit() {}

func (p *processor) clearScratch() {
	clear(p.raw)
	clear(p.cells)
	clear(p.latest)
	clear(p.touches)
	clear(p.hours)
	clear(p.devs)
	clear(p.attrs)
	p.rawList, p.cellArr, p.latArr, p.evals, p.nRaw = p.rawList[:0], p.cellArr[:0], p.latArr[:0], p.evals[:0], 0
}

func (p *processor) touch(id int64) *store.DeviceTouch {
	t := p.touches[id]
	if t == nil {
		t = &store.DeviceTouch{DeviceID: id}
		p.touches[id] = t
	}
	return t
}

func (p *processor) cell(res string, dev int64, key string, bucket int64, v float64) {
	k := cellKey{res, dev, key, bucket}
	if i, ok := p.cells[k]; ok {
		c := &p.cellArr[i]
		c.Min, c.Max = min(c.Min, v), max(c.Max, v)
		c.Sum += v
		c.N++
		return
	}
	p.cells[k] = len(p.cellArr)
	p.cellArr = append(p.cellArr, store.RollupCell{Res: res, DeviceID: dev, Key: key, Bucket: bucket, Min: v, Max: v, Sum: v, N: 1})
}

// add stores one reading (raw, roll-ups, latest) and queues it for the rules.
func (p *processor) add(d *monitor.Device, r monitor.Reading) {
	lk := latestKey{d.ID, r.Key}
	minute := floor(r.TS, minuteMS)
	byMin := p.raw[lk]
	if byMin == nil {
		byMin = map[int64]int{}
		p.raw[lk] = byMin
	}
	if i, ok := byMin[minute]; ok {
		c := &p.rawList[i]
		c.Data = store.AppendPoint(c.Data, r.TS, r.Value)
		c.N++
	} else {
		byMin[minute] = len(p.rawList)
		p.rawList = append(p.rawList, store.RawChunk{DeviceID: d.ID, Key: r.Key, Bucket: minute, N: 1, Data: store.AppendPoint(nil, r.TS, r.Value)})
	}
	p.nRaw++
	p.cell("1m", d.ID, r.Key, minute, r.Value)
	p.cell("1h", d.ID, r.Key, floor(r.TS, hourMS), r.Value)
	p.cell("1d", d.ID, r.Key, DayBucket(r.TS), r.Value)
	if i, ok := p.latest[lk]; ok {
		if r.TS >= p.latArr[i].TS {
			p.latArr[i].TS, p.latArr[i].Value = r.TS, r.Value
		}
	} else {
		p.latest[lk] = len(p.latArr)
		p.latArr = append(p.latArr, store.RawReading{DeviceID: d.ID, Key: r.Key, TS: r.TS, Value: r.Value})
	}
	if len(p.byKey[r.Key]) > 0 {
		p.evals = append(p.evals, evalItem{d, r})
	}
}

func (p *processor) process(ctx context.Context, tx *store.Tx, batch []*item) error {
	p.clearScratch()
	reg := p.rt.reg
	msgs, bad := 0, 0
	for _, it := range batch {
		d := it.dev
		p.devs[d.ID] = d
		t := p.touch(d.ID)
		if it.bad {
			t.Bad++
			bad++
			continue
		}
		msgs++
		t.LastSeen = tx.Now
		site := d.Site()
		for _, r := range it.readings {
			p.add(d, r)
			switch d.Kind {
			case "noise_station":
				if dr, ok := monitor.NoiseOver(reg, &site, r); ok {
					p.add(d, dr)
				}
			case "air_station":
				if _, ok := monitor.AirKeys[r.Key]; ok {
					if h := floor(r.TS, hourMS); h > p.hours[d.ID] {
						p.hours[d.ID] = h
					}
				}
			}
		}
		if d.Kind == "water_section" {
			p.derived = monitor.WaterClasses(reg, &site, it.readings, p.derived[:0])
			for _, dr := range p.derived {
				p.add(d, dr)
			}
		}
	}
	if err := p.closeHours(ctx, tx); err != nil {
		return err
	}
	if err := tx.AppendReadings(ctx, p.rawList); err != nil {
		return err
	}
	if err := tx.AddRollups(ctx, p.cellArr); err != nil {
		return err
	}
	if err := tx.SetLatest(ctx, p.latArr); err != nil {
		return err
	}
	for _, t := range p.touches {
		if err := tx.TouchDevices(ctx, []store.DeviceTouch{*t}); err != nil {
			return err
		}
	}
	if err := p.evaluate(ctx, tx); err != nil {
		return err
	}
	if msgs == 0 {
		// Only bad payloads: the device's counter moved, nothing was
		// recorded. Counters (like last_seen) are operational state, left out
		// of the audited device record, so a refused message leaves the
		// audit chain unchanged.
		return nil
	}
	return tx.Audit(ctx, store.Change{Action: "telemetry.ingest", Object: "telemetry", ObjectID: len(p.touches),
		Detail: fmt.Sprintf("%d messages, %d readings, %d bad payloads", msgs, p.nRaw, bad)})
}

// closeHours computes the AQI (实时报) of every hour that closed in this
// batch: an air station's hour closes when a reading of a later hour
// arrives. The hour's 1-hour means are the stored roll-up plus this batch's
// part, so the AQI reading is written once, with the standard in force on
// the hour's date.
func (p *processor) closeHours(ctx context.Context, tx *store.Tx) error {
	for dev, newest := range p.hours {
		prev, ok := p.aqiHour[dev]
		if !ok {
			var err error
			if prev, err = tx.AQIHour(ctx, dev); err != nil {
				return err
			}
		}
		if newest <= prev {
			p.aqiHour[dev] = prev
			continue
		}
		p.aqiHour[dev] = newest
		p.touch(dev).AQIHour = newest
		if prev == 0 {
			continue
		}
		sums, err := tx.RollupSums(ctx, dev, "1h", prev)
		if err != nil {
			return err
		}
		means := map[string]float64{}
		for k := range monitor.AirKeys {
			s := sums[k]
			if i, ok := p.cells[cellKey{"1h", dev, k, prev}]; ok {
				s[0] += p.cellArr[i].Sum
				s[1] += float64(p.cellArr[i].N)
			}
			if s[1] > 0 {
				means[k] = s[0] / s[1]
			}
		}
		out, ok := monitor.HourlyAQI(p.rt.reg, prev, means)
		if !ok {
			continue
		}
		for _, r := range out {
			p.add(p.devs[dev], r)
		}
	}
	return nil
}
