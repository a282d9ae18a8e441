package workorders

import (
	"context"
	"encoding/json"
	"fmt"

	"towngrid/internal/account"
	"towngrid/internal/app"
	"towngrid/internal/ingest"
	"towngrid/internal/store"
)

// Alarms open ecology work orders through this engine's intake, in the same
// transaction as the alarm, so an alarm never exists without its case.
func init() {
	ingest.RegisterCaseOpener(func(a *app.App) ingest.CaseOpener { return alarmOpener{For(a)} })
}

// alarmCaller acts for the platform itself when a sensor raises an alarm:
// the "system" role of the flows, every area in scope.
var alarmCaller = Caller{
	P:     &account.Principal{Username: "system", Name: "system", Roles: []account.Role{"system"}, Scopes: []string{"/"}},
	Actor: store.Actor{Name: "system", Via: "mqtt"},
}

type alarmOpener struct{ e *Engine }

func (o alarmOpener) OpenAlarmCase(ctx context.Context, tx *store.Tx, c ingest.AlarmCase) (int64, error) {
	desc := c.Description
	if desc == "" {
		desc = fmt.Sprintf("%s (%s)", c.Title, c.DeviceName)
	}
	w, err := o.e.IntakeTx(ctx, tx, alarmCaller, &Report{Kind: "alarm", Category: c.Category, Source: "alarm",
		Title: c.Title, Description: desc, Lon: c.Lon, Lat: c.Lat, AreaID: c.AreaID})
	if err != nil {
		return 0, err
	}
	return w.ID, nil
}

// NoteAlarmCleared records the clearing on the case's timeline as a note: the
// state does not change, so the case's sequence stays as it is.
func (o alarmOpener) NoteAlarmCleared(ctx context.Context, tx *store.Tx, id int64, note string) error {
	w, err := tx.WorkOrder(ctx, id)
	if err != nil {
		return err
	}
	return tx.AddWorkOrderNote(ctx, w, &store.WorkOrderEvent{Seq: w.Seq, Action: "alarm_cleared", From: w.State, To: w.State,
		Actor: alarmCaller.Actor.Name, Comment: note, PublicComment: note, Inputs: json.RawMessage("{}"), At: tx.Now})
}
