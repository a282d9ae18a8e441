package account

import (
	"sync"
	"time"
)

// Throttle slows down password guessing: after Free failures for a key (a
// username or an address) each further attempt waits twice as long as the
// last, up to Max. It is per process: replicas each throttle on their own,
// which still bounds guessing to a few attempts a minute per replica.
type Throttle struct {
	Free int
	Base time.Duration
	Max  time.Duration
	Now  func() time.Time

	mu sync.Mutex
	m  map[string]*strike
}

type strike struct {
	n     int
	until time.Time
	last  time.Time
}

// NewThrottle returns a throttle with towngrid's defaults: 5 free failures,
// then 1 s, 2 s, 4 s … up to 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{Free: 5, Base: time.Second, Max: 15 * time.Minute, Now: time.Now, m: map[string]*strike{}}
}

// Wait returns how long the keys must wait before another attempt (0 = go ahead).
func (t *Throttle) Wait(keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	var wait time.Duration
	for _, k := range keys {
		if s := t.m[k]; s != nil && s.until.After(now) {
			wait = max(wait, s.until.Sub(now))
		}
	}
	return wait
}

// Fail records a failed attempt for each key.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	if len(t.m) > 100_000 { // bound memory under a spray of usernames
		for k, s := range t.m {
			if now.Sub(s.last) > t.Max {
				delete(t.m, k)
			}
		}
	}
	for _, k := range keys {
		s := t.m[k]
		if s == nil {
			s = &strike{}
			t.m[k] = s
		}
		s.n++
		s.last = now
		if s.n > t.Free {
			d := t.Base << min(s.n-t.Free-1, 20)
			s.until = now.Add(min(d, t.Max))
		}
	}
}

// Succeed forgets the failures of the keys.
func (t *Throttle) Succeed(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.m, k)
	}
}
