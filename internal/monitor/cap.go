package monitor

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"time"
)

// CAP 1.2 (OASIS Common Alerting Protocol) for public alarms.

// CAPNamespace is the CAP 1.2 XML namespace.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// CAPAlert is one CAP 1.2 <alert>.
type CAPAlert struct {
	XMLName    xml.Name  `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier string    `xml:"identifier"`
	Sender     string    `xml:"sender"`
	Sent       string    `xml:"sent"`
	Status     string    `xml:"status"`
	MsgType    string    `xml:"msgType"`
	Scope      string    `xml:"scope"`
	References string    `xml:"references,omitempty"`
	Info       []CAPInfo `xml:"info"`
}

// CAPInfo is an <info> block.
type CAPInfo struct {
	Language    string     `xml:"language"`
	Category    string     `xml:"category"`
	Event       string     `xml:"event"`
	Urgency     string     `xml:"urgency"`
	Severity    string     `xml:"severity"`
	Certainty   string     `xml:"certainty"`
	Onset       string     `xml:"onset,omitempty"`
	Expires     string     `xml:"expires,omitempty"`
	SenderName  string     `xml:"senderName,omitempty"`
	Headline    string     `xml:"headline,omitempty"`
	Description string     `xml:"description,omitempty"`
	Web         string     `xml:"web,omitempty"`
	Parameter   []CAPParam `xml:"parameter,omitempty"`
	Area        []CAPArea  `xml:"area"`
}

// CAPParam is a <parameter> name/value pair.
type CAPParam struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// CAPArea is an <area>; a device is a point, written as a circle of radius 0.
type CAPArea struct {
	AreaDesc string `xml:"areaDesc"`
	Circle   string `xml:"circle,omitempty"`
}

// AlarmInfo is what CAP needs to know of an alarm.
type AlarmInfo struct {
	ID         int64
	Name       string
	Key        string
	Severity   Severity
	Active     bool
	Value      float64
	Start      int64 // unix ms
	ClearedAt  int64
	DeviceName string
	AreaName   string
	Lon, Lat   *float64
}

// CAPTime formats t as CAP requires: local offset, no fractional seconds.
func CAPTime(ms int64) string {
	return time.UnixMilli(ms).In(China).Format("2006-01-02T15:04:05-07:00")
}

// capSeverity maps ThingsBoard's ladder to CAP's.
func capSeverity(s Severity) string {
	switch s {
	case "CRITICAL":
		return "Extreme"
	case "MAJOR":
		return "Severe"
	case "MINOR":
		return "Moderate"
	case "WARNING":
		return "Minor"
	}
	return "Unknown"
}

// CAPFor builds the CAP message of an alarm: an Alert while active, an
// Update (referencing the alert) once cleared.
func CAPFor(a *AlarmInfo, sender, lang, web string) *CAPAlert {
	id := sender + ".alarm." + strconv.FormatInt(a.ID, 10)
	c := &CAPAlert{Identifier: id, Sender: sender, Sent: CAPTime(a.Start), Status: "Actual", MsgType: "Alert", Scope: "Public"}
	urgency := "Immediate"
	if !a.Active {
		c.Identifier = id + ".cleared"
		c.Sent = CAPTime(a.ClearedAt)
		c.MsgType = "Update"
		c.References = sender + "," + id + "," + CAPTime(a.Start)
		urgency = "Past"
	}
	info := CAPInfo{
		Language: lang, Category: "Env", Event: a.Name, Urgency: urgency, Severity: capSeverity(a.Severity), Certainty: "Observed",
		Onset: CAPTime(a.Start), SenderName: sender, Headline: a.Name + " — " + a.DeviceName,
		Description: fmt.Sprintf("%s = %g (%s, %s)", a.Key, a.Value, a.DeviceName, a.AreaName), Web: web,
		Parameter: []CAPParam{{"key", a.Key}, {"value", strconv.FormatFloat(a.Value, 'g', -1, 64)}, {"severity", string(a.Severity)}},
	}
	area := CAPArea{AreaDesc: a.AreaName}
	if a.Lon != nil && a.Lat != nil {
		area.Circle = fmt.Sprintf("%.6f,%.6f 0", *a.Lat, *a.Lon) // CAP: "lat,lon radius-km"
	}
	info.Area = []CAPArea{area}
	c.Info = []CAPInfo{info}
	return c
}

// CAPList is towngrid's feed of public alarms: a list of CAP alerts.
type CAPList struct {
	XMLName xml.Name    `xml:"alerts"`
	Updated string      `xml:"updated,attr"`
	Alerts  []*CAPAlert `xml:"alert"`
}
