package secretbox

import "sync"

// Lazy holds a Box that is made on first use, so that a process that never
// touches personal data never creates a key file.
type Lazy struct {
	mu   sync.Mutex
	box  *Box
	load func() ([]byte, error)
}

// NewLazy returns a Lazy that calls load for the key on first use.
func NewLazy(load func() ([]byte, error)) *Lazy { return &Lazy{load: load} }

// Fixed returns a Lazy around an existing Box (tests, tools).
func Fixed(b *Box) *Lazy { return &Lazy{box: b} }

// Box returns the Box, loading the key the first time. A failed load is
// retried on the next call (the operator may fix the key file meanwhile).
func (l *Lazy) Box() (*Box, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.box != nil {
		return l.box, nil
	}
	key, err := l.load()
	if err != nil {
		return nil, err
	}
	b, err := New(key)
	if err != nil {
		return nil, err
	}
	l.box = b
	return b, nil
}
