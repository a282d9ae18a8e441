package calendar

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// Benchmarks: the table-based Calendar against the naive day-stepping and
// minute-stepping implementation in naive_test.go. Inputs cycle through 1024
// random instants of 2023–2027 so that no single date is cached.
//
//	go test ./internal/calendar -run '^$' -bench . -benchtime 2s -benchmem

func benchInstants() []time.Time {
	r := rand.New(rand.NewPCG(7, 8))
	ts := make([]time.Time, 1024)
	for i := range ts {
		ts[i] = randMinute(r)
	}
	return ts
}

var sinkT time.Time
var sinkD time.Duration

func BenchmarkDeadline(b *testing.B) {
	c := Default()
	nv := newNaive(Seed(), DefaultHours())
	ts := benchInstants()
	for _, l := range []Limit{{3, WorkDays}, {20, WorkDays}, {4, WorkHours}, {30, WorkMinutes}} {
		name := string(l.Unit) + "_" + strconv.Itoa(l.Value)
		b.Run("table/"+name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				sinkT = c.Deadline(ts[i&1023], l)
				i++
			}
		})
		b.Run("naive/"+name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := ts[i&1023]
				switch l.Unit {
				case WorkDays: // day-stepping
					sinkT = nv.addWorkingDays(from, l.Value)
				case WorkHours: // minute-stepping
					sinkT = nv.addWorking(from, time.Duration(l.Value)*time.Hour)
				default:
					sinkT = nv.addWorking(from, time.Duration(l.Value)*time.Minute)
				}
				i++
			}
		})
	}
}

func BenchmarkElapsed(b *testing.B) {
	c := Default()
	nv := newNaive(Seed(), DefaultHours())
	ts := benchInstants()
	for _, span := range []time.Duration{3 * day, 30 * day} {
		name := strconv.Itoa(int(span/day)) + "d"
		b.Run("table/"+name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := ts[i&1023]
				sinkD = c.Elapsed(from, from.Add(span))
				i++
			}
		})
		b.Run("naive-day-stepping/"+name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				from := ts[i&1023]
				sinkD = nv.elapsedDays(from, from.Add(span))
				i++
			}
		})
	}
}
