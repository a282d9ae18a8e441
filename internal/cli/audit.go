package cli

import (
	"context"
	"errors"
	"fmt"
)

func init() {
	Register(&Command{Name: "audit verify", Short: "recompute the audit hash chain and name the first broken row", Run: runAuditVerify})
}

// ErrAuditBroken makes `audit verify` exit non-zero when the chain is broken.
var ErrAuditBroken = errors.New("audit chain broken")

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	fs, cfg := flags("audit verify", env)
	if err := parse(fs, cfg, env, args); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if err := printJSON(env.Stdout, res); err != nil {
		return err
	}
	if !res.OK {
		return fmt.Errorf("%w at row %d: %s", ErrAuditBroken, res.Problem.Seq, res.Problem.Reason)
	}
	return nil
}
