package app

import (
	"os"
	"runtime/debug"

	"towngrid/internal/config"
)

// TuneRuntime applies the collector settings of cfg to the process, unless
// GOGC or GOMEMLIMIT is set in the environment (the operator's word wins).
//
// Why not Go's defaults: a server's live heap is small (caches, a grid index)
// while every request allocates, so GOGC=100 collects very often; profiles of
// intake showed the collector at 10–15 % of all CPU. GOGC=400 collects a
// quarter as often, and the soft memory limit keeps a large heap from
// growing past it (the collector works harder instead), which keeps the RSS
// target of docs/PERFORMANCE.md.
func TuneRuntime(cfg config.Config) {
	if os.Getenv("GOGC") == "" && cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && cfg.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimitMB << 20)
	}
}
