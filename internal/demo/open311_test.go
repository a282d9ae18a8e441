package demo

import (
	"context"
	"slices"
	"testing"

	"towngrid/internal/account"
)

// The demo town's documented Open311 key belongs to the intake account and
// carries open311.submit only (README "Open311").
func TestOpen311Key(t *testing.T) {
	db, _ := generate(t, Options{Seed: 2026})
	u, k, err := db.APIKeyUser(context.Background(), Open311Key)
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "intake1" || !slices.Contains(u.Roles, account.Intake) || !slices.Equal(k.Perms, []account.Perm{account.Open311Submit}) {
		t.Errorf("key of %s %v with %v", u.Username, u.Roles, k.Perms)
	}
}
