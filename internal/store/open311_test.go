package store_test

import (
	"context"
	"errors"
	"testing"

	"towngrid/internal/store"
	"towngrid/internal/store/storetest"
)

// Settings upsert, subscriptions matched by report, category and any area
// on the work order's path, and ended by their secret, on both databases
// (migration 0006 runs on each).
func TestOpen311SettingsAndSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := store.Actor{Name: "test", Via: "cli"}
		if v, err := db.Setting(ctx, "notify.cursor"); err != nil || v != "" {
			t.Fatalf("absent setting: %q %v", v, err)
		}
		for _, v := range []string{"5", "9"} {
			if err := db.Write(ctx, a, func(tx *store.Tx) error { return tx.SetSetting(ctx, "notify.cursor", v) }); err != nil {
				t.Fatal(err)
			}
		}
		if v, _ := db.Setting(ctx, "notify.cursor"); v != "9" {
			t.Errorf("setting = %q, want the second value", v)
		}
		subs := []*store.Subscription{
			{Scope: "report", Target: "42", Channel: "email", Address: "a@b.c", Lang: "zh-CN", Secret: "s1"},
			{Scope: "category", Target: "E0102", Channel: "webhook", Address: "http://x", Lang: "en", Secret: "s2"},
			{Scope: "area", Target: "3", Channel: "dingtalk", Address: "http://y", Lang: "zh-CN", Secret: "s3"},
			{Scope: "area", Target: "4", Channel: "wecom", Address: "http://z", Lang: "zh-CN", Secret: "s4"},
			{Scope: "report", Target: "43", Channel: "email", Address: "d@b.c", Lang: "zh-CN", Secret: "s5"},
		}
		err := db.Write(ctx, a, func(tx *store.Tx) error {
			for _, s := range subs {
				if err := tx.CreateSubscription(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.SubscriptionsFor(ctx, 42, "E0102", "/1/3/7/")
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for _, s := range got {
			secrets = append(secrets, s.Secret)
		}
		if len(secrets) != 3 || secrets[0] != "s1" || secrets[1] != "s2" || secrets[2] != "s3" {
			t.Errorf("matched %v, want s1 s2 s3", secrets)
		}
		if err := db.Write(ctx, a, func(tx *store.Tx) error { return tx.EndSubscription(ctx, "s1") }); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, a, func(tx *store.Tx) error { return tx.EndSubscription(ctx, "s1") }); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ending twice: %v", err)
		}
		if got, _ := db.SubscriptionsFor(ctx, 42, "C0101", "/9/"); len(got) != 0 {
			t.Errorf("an ended subscription still matches: %+v", got)
		}
		if s, err := db.SubscriptionBySecret(ctx, "s5"); err != nil || s.Target != "43" || !s.Active {
			t.Errorf("by secret: %+v %v", s, err)
		}
	})
}
