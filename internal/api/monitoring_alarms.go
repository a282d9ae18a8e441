package api

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"towngrid/internal/account"
	"towngrid/internal/httpx"
	"towngrid/internal/ingest"
	"towngrid/internal/monitor"
	"towngrid/internal/store"
)

func init() { register((*handlers).alarmRoutes) }

// AlarmRuleIn creates or replaces an alarm rule.
type AlarmRuleIn struct {
	Name       string             `json:"name"`
	DeviceKind string             `json:"device_kind,omitempty"`
	DeviceID   int64              `json:"device_id,omitempty"`
	Key        string             `json:"key"`
	Severity   monitor.Severity   `json:"severity"`
	Condition  monitor.Condition  `json:"condition"`
	Clear      *monitor.Condition `json:"clear,omitempty"`
	Schedule   *monitor.Schedule  `json:"schedule,omitempty"`
	Category   string             `json:"category,omitempty"`
	Public     bool               `json:"public,omitempty"`
	Enabled    *bool              `json:"enabled,omitempty"`
}

// AlarmView is an alarm with ThingsBoard's combined status.
type AlarmView struct {
	store.Alarm
	Status string `json:"status"`
}

func (h *handlers) alarmRoutes() []*httpx.Route {
	const tag = "monitoring"
	return []*httpx.Route{
		{Method: "GET", Path: "/api/v1/alarm-rules", Perm: account.MonitoringRead, Tag: tag, Summary: "Alarm rules", Out: []monitor.Rule{}, Handle: h.listRules},
		{Method: "POST", Path: "/api/v1/alarm-rules", Perm: account.MonitoringWrite, Tag: tag, Summary: "Create an alarm rule (simple, duration or repeating condition; clear condition; schedule)", In: AlarmRuleIn{}, Out: monitor.Rule{}, Status: 201, Handle: h.createRule},
		{Method: "GET", Path: "/api/v1/alarm-rules/{id}", Perm: account.MonitoringRead, Tag: tag, Summary: "One alarm rule", Out: monitor.Rule{}, Handle: h.getRule},
		{Method: "PUT", Path: "/api/v1/alarm-rules/{id}", Perm: account.MonitoringWrite, Tag: tag, Summary: "Replace an alarm rule (its evaluation state restarts)", In: AlarmRuleIn{}, Out: monitor.Rule{}, Handle: h.putRule},
		{Method: "DELETE", Path: "/api/v1/alarm-rules/{id}", Perm: account.MonitoringWrite, Tag: tag, Summary: "Delete an alarm rule (its alarms stay)", Status: 204, Handle: h.deleteRule},
		{Method: "GET", Path: "/api/v1/alarms", Perm: account.MonitoringRead, Tag: tag, Summary: "Alarms in your areas, newest first (?status=active|cleared, ?acked=true|false, ?device_id=, cursor)", Out: httpx.List[AlarmView]{}, Handle: h.listAlarms},
		{Method: "GET", Path: "/api/v1/alarms/{id}", Perm: account.MonitoringRead, Tag: tag, Summary: "One alarm", Out: AlarmView{}, Handle: h.getAlarm},
		{Method: "POST", Path: "/api/v1/alarms/{id}/ack", Perm: account.AlarmsAck, Tag: tag, Summary: "Acknowledge an alarm", Out: AlarmView{}, Handle: h.ackAlarm},
		{Method: "POST", Path: "/api/v1/alarms/{id}/clear", Perm: account.AlarmsAck, Tag: tag, Summary: "Clear an alarm by hand (noted on its work order)", Out: AlarmView{}, Handle: h.clearAlarm},
		{Method: "GET", Path: "/api/v1/alarms/{id}/cap.xml", Perm: account.Public, Kind: httpx.Raw, Tag: tag, Summary: "A public alarm as CAP 1.2 XML", Handle: h.alarmCAP},
		{Method: "GET", Path: "/api/v1/alarms.cap", Perm: account.Public, Kind: httpx.Raw, Tag: tag, Summary: "Feed of public alarms: a list of CAP 1.2 alerts, newest first", Handle: h.alarmFeed},
	}
}

func ruleOf(in AlarmRuleIn) *monitor.Rule {
	r := &monitor.Rule{Name: in.Name, DeviceKind: in.DeviceKind, DeviceID: in.DeviceID, Key: in.Key, Severity: in.Severity,
		RuleBody: monitor.RuleBody{Condition: in.Condition, Clear: in.Clear, Schedule: in.Schedule}, Category: in.Category, Public: in.Public, Enabled: true}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	return r
}

func (h *handlers) listRules(w http.ResponseWriter, r *httpx.Request) error {
	rules, err := h.a.DB.AlarmRules(r.Context())
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, rules)
}

func (h *handlers) getRule(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	rule, err := h.a.DB.AlarmRule(r.Context(), id)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, rule)
}

func (h *handlers) createRule(w http.ResponseWriter, r *httpx.Request) error {
	var in AlarmRuleIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	rule := ruleOf(in)
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.CreateAlarmRule(r.Context(), rule) }); err != nil {
		return err
	}
	ingest.For(h.a).Reload()
	return r.JSON(w, http.StatusCreated, rule)
}

func (h *handlers) putRule(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	var in AlarmRuleIn
	if err := httpx.Decode(r.Request, &in); err != nil {
		return err
	}
	rule := ruleOf(in)
	rule.ID = id
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.UpdateAlarmRule(r.Context(), rule) }); err != nil {
		return err
	}
	ingest.For(h.a).Reload()
	return r.JSON(w, http.StatusOK, rule)
}

func (h *handlers) deleteRule(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	if err := h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error { return tx.DeleteAlarmRule(r.Context(), id) }); err != nil {
		return err
	}
	ingest.For(h.a).Reload()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func view(a *store.Alarm) AlarmView { return AlarmView{Alarm: *a, Status: a.Status()} }

func (h *handlers) listAlarms(w http.ResponseWriter, r *httpx.Request) error {
	pg, err := httpx.ParsePage(r.Request)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AlarmFilter{Scope: store.ScopeOf(r.P), Status: q.Get("status"), Before: pg.After, Limit: pg.Limit + 1}
	switch f.Status {
	case "", "active", "cleared":
	default:
		return httpx.Invalid("status", "alarm.status", "active or cleared")
	}
	switch q.Get("acked") {
	case "":
	case "true", "false":
		b := q.Get("acked") == "true"
		f.Acked = &b
	default:
		return httpx.Invalid("acked", "alarm.acked", "true or false")
	}
	if s := q.Get("device_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return httpx.Invalid("device_id", "alarm.device_id", "a device id")
		}
		f.DeviceID = id
	}
	as, err := h.a.DB.ListAlarms(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]AlarmView, len(as))
	for i, a := range as {
		views[i] = view(a)
	}
	return r.JSON(w, http.StatusOK, httpx.NewList(views, pg, func(v AlarmView) int64 { return v.ID }))
}

func (h *handlers) visibleAlarm(r *httpx.Request) (*store.Alarm, error) {
	id, err := r.PathID("id")
	if err != nil {
		return nil, err
	}
	a, err := h.a.DB.Alarm(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !store.ScopeOf(r.P).Contains(a.AreaPath) {
		return nil, httpx.ErrNotFound
	}
	return a, nil
}

func (h *handlers) getAlarm(w http.ResponseWriter, r *httpx.Request) error {
	a, err := h.visibleAlarm(r)
	if err != nil {
		return err
	}
	return r.JSON(w, http.StatusOK, view(a))
}

func (h *handlers) ackAlarm(w http.ResponseWriter, r *httpx.Request) error {
	a, err := h.visibleAlarm(r)
	if err != nil {
		return err
	}
	err = h.a.DB.Write(r.Context(), h.actor(r), func(tx *store.Tx) error {
		var err error
		a, err = tx.AckAlarm(r.Context(), a.ID, r.P.UserID)
		return err
	})
	if err != nil {
		return alarmConflict(err, "alarm.acked_already", "the alarm is already acknowledged")
	}
	return r.JSON(w, http.StatusOK, view(a))
}

func (h *handlers) clearAlarm(w http.ResponseWriter, r *httpx.Request) error {
	a, err := h.visibleAlarm(r)
	if err != nil {
		return err
	}
	a, err = ingest.For(h.a).ClearAlarm(r.Context(), h.actor(r), a.ID)
	if err != nil {
		return alarmConflict(err, "alarm.cleared_already", "the alarm is already cleared")
	}
	return r.JSON(w, http.StatusOK, view(a))
}

func alarmConflict(err error, code, detail string) error {
	if p := httpx.AsProblem(err); p.Status == http.StatusConflict {
		return httpx.Errorf(http.StatusConflict, code, "%s", detail)
	}
	return err
}

// capSender names this installation in CAP messages (the host it serves).
func capSender(r *httpx.Request) string {
	if r.Host != "" {
		return "towngrid@" + r.Host
	}
	return "towngrid"
}

func (h *handlers) capOf(r *httpx.Request, a *store.Alarm) *monitor.CAPAlert {
	info := &monitor.AlarmInfo{ID: a.ID, Name: a.Name, Key: a.Key, Severity: a.Severity, Active: a.Active, Value: a.Value, Start: a.StartTS, ClearedAt: a.ClearedAt}
	if d, err := h.a.DB.Device(r.Context(), a.DeviceID); err == nil {
		info.DeviceName, info.Lon, info.Lat = d.Name, d.Lon, d.Lat
	}
	if ar, err := h.a.DB.Area(r.Context(), a.AreaID); err == nil {
		info.AreaName = ar.Name
	}
	return monitor.CAPFor(info, capSender(r), "zh-CN", "")
}

func writeXML(w http.ResponseWriter, ct string, v any) error {
	w.Header().Set("Content-Type", ct)
	if _, err := w.Write([]byte(xml.Header)); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(v)
}

func (h *handlers) alarmCAP(w http.ResponseWriter, r *httpx.Request) error {
	id, err := r.PathID("id")
	if err != nil {
		return err
	}
	a, err := h.a.DB.Alarm(r.Context(), id)
	if err != nil || !a.Public {
		return httpx.ErrNotFound // a non-public alarm does not exist for the public
	}
	return writeXML(w, "application/cap+xml; charset=utf-8", h.capOf(r, a))
}

func (h *handlers) alarmFeed(w http.ResponseWriter, r *httpx.Request) error {
	as, err := h.a.DB.ListAlarms(r.Context(), store.AlarmFilter{Scope: store.Scope{All: true}, Public: true, Limit: 100})
	if err != nil {
		return err
	}
	feed := monitor.CAPList{Updated: monitor.CAPTime(h.a.DB.Now())}
	for _, a := range as {
		feed.Alerts = append(feed.Alerts, h.capOf(r, a))
	}
	return writeXML(w, "application/xml; charset=utf-8", feed)
}
