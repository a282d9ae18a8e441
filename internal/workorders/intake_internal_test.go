package workorders

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"towngrid/internal/calendar"
	"towngrid/internal/workflow"
)

// The writer splices the case number into the case's JSON instead of
// encoding it again; the bytes must be exactly json.Marshal's.
func TestWithNumberIsMarshal(t *testing.T) {
	at := time.Date(2025, 9, 30, 10, 0, 0, 0, time.UTC)
	for _, c := range []workflow.Case{
		{Flow: "citycase", FlowVersion: 1, State: "reported", Source: "hotline", Area: "g1", Category: "E0102", CreatedAt: at, UpdatedAt: at, Seq: 1},
		{Flow: "citycase", State: "registered", Category: "C0101", Urgency: "urgent", Limit: &calendar.Limit{Value: 2, Unit: calendar.WorkHours},
			Extensions: []workflow.Extension{{}}, CreatedAt: at, Seq: 3},
	} {
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, num := range []string{"E01022025093001", "C010120250930123"} {
			n := c
			n.Number = num
			want, _ := json.Marshal(n)
			got, err := withNumber(enc, &n)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("withNumber:\n got %s\nwant %s (%v)", got, want, err)
			}
		}
	}
	// Anything unexpected falls back to encoding.
	c := workflow.Case{ID: "7", Number: `a"b`}
	got, _ := withNumber([]byte(`{"id":"7"}`), &c)
	want, _ := json.Marshal(c)
	if !bytes.Equal(got, want) {
		t.Fatalf("fallback: got %s want %s", got, want)
	}
}

// A view sends the stored case with the row's id spliced in: the bytes are
// json.Marshal's, with and without a number, and odd input falls back.
func TestCaseWithIDIsMarshal(t *testing.T) {
	at := time.Date(2025, 9, 30, 10, 0, 0, 0, time.UTC)
	for _, c := range []workflow.Case{
		{Flow: "citycase", FlowVersion: 1, State: "reported", Source: "hotline", Area: "g1", Category: "E0102", CreatedAt: at, UpdatedAt: at, Seq: 1},
		{Flow: "citycase", Number: "C010120250930123", State: "registered", Category: "C0101", Urgency: "urgent", Limit: &calendar.Limit{Value: 2, Unit: calendar.WorkHours},
			Extensions: []workflow.Extension{{}}, CreatedAt: at, Seq: 3},
	} {
		enc, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"1", "10000000"} {
			n := c
			n.ID = id
			want, _ := json.Marshal(n)
			got, err := caseWithID(enc, &n)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("caseWithID:\n got %s\nwant %s (%v)", got, want, err)
			}
		}
	}
	c := workflow.Case{ID: "7", State: "x"}
	got, _ := caseWithID([]byte(`{"id":"3","state":"y"}`), &c)
	want, _ := json.Marshal(c)
	if !bytes.Equal(got, want) {
		t.Fatalf("fallback: got %s want %s", got, want)
	}
}
