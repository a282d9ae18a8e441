package app

import (
	"context"
	"fmt"
	"sync/atomic"

	"towngrid/internal/calendar"
	"towngrid/internal/geo"
)

// Services are the process-wide helpers capabilities share. Each is an atomic
// pointer so that a capability can rebuild it (after an import, after an
// administrator edits the calendar) while requests keep reading.
type Services struct {
	Grids    atomic.Pointer[geo.Index]         // point → unit grid
	Calendar atomic.Pointer[calendar.Calendar] // the working-time calendar in force
}

// Starter prepares a capability when a towngrid process starts: it loads
// indexes, starts timers or the MQTT broker. Background work must stop when
// ctx ends.
type Starter struct {
	Name  string
	Start func(ctx context.Context, a *App) error
}

var starters []Starter

// RegisterStarter adds a starter; capability packages call it from init().
func RegisterStarter(name string, start func(ctx context.Context, a *App) error) {
	starters = append(starters, Starter{name, start})
}

// Start runs every starter in registration order.
func (a *App) Start(ctx context.Context) error {
	for _, s := range starters {
		if err := s.Start(ctx, a); err != nil {
			return fmt.Errorf("start %s: %w", s.Name, err)
		}
	}
	return nil
}
