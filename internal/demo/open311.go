package demo

import (
	"towngrid/internal/account"
	"towngrid/internal/store"
)

// Open311Key is the demo town's documented Open311 API key (README "Open311").
const Open311Key = "demo-open311-key"

// open311 gives the demo intake account (受理员 intake1) the documented
// Open311 key, limited to open311.submit, so that Open311 clients can post
// to the demo town at once.
func (w *writer) open311() error {
	id, ok := w.users["intake1"]
	if !ok {
		return nil // a plan without the intake account has no key
	}
	return w.db.Write(w.ctx, Actor, func(tx *store.Tx) error {
		return tx.ImportAPIKey(w.ctx, &store.APIKey{UserID: id, Name: "Open311 (demo)", Perms: []account.Perm{account.Open311Submit}}, Open311Key)
	})
}
