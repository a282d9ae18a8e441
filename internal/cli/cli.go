// Package cli holds the towngrid subcommands. Each command lives in its own file
// and registers itself in init(), so that capabilities add commands without
// touching a central switch.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Env is what a command may touch of the outside world; tests pass buffers.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv in the binary), so that
	// configuration precedence can be tested without mutating the process.
	Getenv func(string) string
}

// Command is one subcommand. Name may have several words ("calc deadline").
type Command struct {
	Name  string
	Short string // one line, shown by `towngrid help`
	Run   func(ctx context.Context, env *Env, args []string) error
}

var registry = map[string]*Command{}

// Register adds a command; it panics on a duplicate name, which is a programming error.
func Register(c *Command) {
	if _, dup := registry[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	registry[c.Name] = c
}

// ErrUsage marks an error caused by the user's arguments (exit code 2).
var ErrUsage = errors.New("usage")

// Usagef returns an error wrapping ErrUsage.
func Usagef(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, a...))
}

// Main finds the longest registered command name that prefixes args and runs it.
// It returns the process exit code.
func Main(ctx context.Context, env *Env, args []string) int {
	for n := min(3, len(args)); n >= 1; n-- {
		name := strings.Join(args[:n], " ")
		if c, ok := registry[name]; ok {
			err := c.Run(ctx, env, args[n:])
			if err == nil {
				return 0
			}
			fmt.Fprintf(env.Stderr, "towngrid %s: %v\n", name, err)
			if errors.Is(err, ErrUsage) {
				return 2
			}
			return 1
		}
	}
	if len(args) > 0 && args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
		fmt.Fprintf(env.Stderr, "towngrid: unknown command %q\n\n", strings.Join(args, " "))
		printHelp(env.Stderr)
		return 2
	}
	printHelp(env.Stdout)
	return 0
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "usage: towngrid <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, registry[n].Short)
	}
}
