// Package open311 holds the wire formats of Open311 GeoReport v2
// (case-management.md §2): the XML and JSON documents of discovery, services,
// service definitions, requests, tokens, mySociety's request updates and the
// spec's error arrays, plus the parsers of what a client sends (attributes,
// datetimes, the one location). It knows nothing of HTTP routing or SQL.
package open311

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Format is the document format, chosen by the URL suffix (§2.1).
type Format string

const (
	XML  Format = "xml"
	JSON Format = "json"
)

// ContentType is the media type of a format (§2.1).
func (f Format) ContentType() string {
	if f == JSON {
		return "application/json; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// SplitFormat splits "requests.json" into "requests" and JSON; ok is false
// when the name has no .xml/.json suffix.
func SplitFormat(name string) (base string, f Format, ok bool) {
	if b, cut := strings.CutSuffix(name, ".xml"); cut {
		return b, XML, true
	}
	if b, cut := strings.CutSuffix(name, ".json"); cut {
		return b, JSON, true
	}
	return name, "", false
}

// Error is a refusal in the spec's terms: the HTTP status (400, 403, 404),
// a stable machine code and an English detail.
type Error struct {
	Status int
	Code   string
	Detail string
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// Errorf builds an Error.
func Errorf(status int, code, format string, a ...any) *Error {
	return &Error{Status: status, Code: code, Detail: fmt.Sprintf(format, a...)}
}

// Bad is a 400 (anything the client sent wrong, §2.1).
func Bad(code, format string, a ...any) *Error {
	return Errorf(http.StatusBadRequest, code, format, a...)
}

type errorItem struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type errorList struct {
	XMLName xml.Name    `xml:"errors" json:"-"`
	Items   []errorItem `xml:"error"`
}

func (l errorList) body() any { return l.Items }

// WriteError writes the spec's error array with the error's status. The body
// code is the HTTP status; the description starts with the machine code so
// that a client (and a translator) can tell refusals apart.
func WriteError(w http.ResponseWriter, f Format, errs ...*Error) {
	if len(errs) == 0 {
		return
	}
	l := errorList{}
	for _, e := range errs {
		l.Items = append(l.Items, errorItem{Code: e.Status, Description: e.Code + ": " + e.Detail})
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.WriteHeader(errs[0].Status)
	_ = Encode(w, f, l)
}

// Document is a value with an XML root element whose JSON form (the Spark
// convention: a list is a bare array) may differ from the XML one.
type Document interface{ body() any }

// Encode writes a document in a format.
func Encode(w io.Writer, f Format, d Document) error {
	if f == JSON {
		return json.NewEncoder(w).Encode(d.body())
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	if err := enc.Encode(d); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Write answers a document with a status.
func Write(w http.ResponseWriter, f Format, status int, d Document) error {
	w.Header().Set("Content-Type", f.ContentType())
	w.WriteHeader(status)
	return Encode(w, f, d)
}

// Endpoint is one entry of the discovery document.
type Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"` // production | test
	Formats       []string `xml:"formats>format" json:"formats"`
}

// Discovery is the service discovery document (every field required).
type Discovery struct {
	XMLName    xml.Name   `xml:"discovery" json:"-"`
	Changeset  string     `xml:"changeset" json:"changeset"`
	Contact    string     `xml:"contact" json:"contact"`
	KeyService string     `xml:"key_service" json:"key_service"`
	Endpoints  []Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

func (d Discovery) body() any { return d }

// Service is one entry of services.{fmt}.
type Service struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"` // realtime | batch | blackbox
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

// Services is the list document.
type Services struct {
	XMLName xml.Name  `xml:"services" json:"-"`
	Items   []Service `xml:"service"`
}

func (s Services) body() any { return nonNil(s.Items) }

// Value is one choice of a list attribute.
type Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// Attribute is one question of a service definition.
type Attribute struct {
	Variable            bool    `xml:"variable" json:"variable"`
	Code                string  `xml:"code" json:"code"`
	Datatype            string  `xml:"datatype" json:"datatype"`
	Required            bool    `xml:"required" json:"required"`
	DatatypeDescription string  `xml:"datatype_description" json:"datatype_description"`
	Order               int     `xml:"order" json:"order"`
	Description         string  `xml:"description" json:"description"`
	Values              []Value `xml:"values>value,omitempty" json:"values,omitempty"`
}

// Definition is services/{code}.{fmt}.
type Definition struct {
	XMLName    xml.Name    `xml:"service_definition" json:"-"`
	Code       string      `xml:"service_code" json:"service_code"`
	Attributes []Attribute `xml:"attributes>attribute" json:"attributes"`
}

func (d Definition) body() any {
	d.Attributes = nonNil(d.Attributes)
	return d
}

// Receipt answers POST requests and GET tokens/{token}.
type Receipt struct {
	ServiceRequestID string `xml:"service_request_id,omitempty" json:"service_request_id,omitempty"`
	Token            string `xml:"token,omitempty" json:"token,omitempty"`
	ServiceNotice    string `xml:"service_notice,omitempty" json:"service_notice,omitempty"`
	AccountID        string `xml:"account_id,omitempty" json:"account_id,omitempty"`
}

// Receipts is the one-element list the spec answers.
type Receipts struct {
	XMLName xml.Name  `xml:"service_requests" json:"-"`
	Items   []Receipt `xml:"request"`
}

func (r Receipts) body() any { return nonNil(r.Items) }

// Note is one entry of the update history (extensions=true).
type Note struct {
	Datetime    string `xml:"datetime" json:"datetime"`
	Description string `xml:"description" json:"description"`
	Type        string `xml:"type" json:"type"`
}

// Extended holds the extension fields (CitySDK detailed_status, the stage).
type Extended struct {
	DetailedStatus string   `xml:"detailed_status" json:"detailed_status"`
	Stage          string   `xml:"stage" json:"stage"`
	State          string   `xml:"state" json:"state"`
	Channel        string   `xml:"channel" json:"channel"`
	Photos         []string `xml:"photos>photo,omitempty" json:"photos,omitempty"`
}

// AttributeValue is an answer given at submission (extensions=true).
type AttributeValue struct {
	Code  string   `xml:"code" json:"code"`
	Value []string `xml:"value" json:"value"`
}

// Request is one service request as published. It never holds the
// reporter's name, e-mail or phone.
type Request struct {
	ID                string           `xml:"service_request_id" json:"service_request_id"`
	Status            string           `xml:"status" json:"status"` // open | closed
	StatusNotes       string           `xml:"status_notes" json:"status_notes"`
	ServiceName       string           `xml:"service_name" json:"service_name"`
	ServiceCode       string           `xml:"service_code" json:"service_code"`
	Description       string           `xml:"description" json:"description"`
	AgencyResponsible string           `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string           `xml:"service_notice" json:"service_notice"`
	Requested         string           `xml:"requested_datetime" json:"requested_datetime"`
	Updated           string           `xml:"updated_datetime" json:"updated_datetime"`
	Expected          string           `xml:"expected_datetime" json:"expected_datetime"`
	Address           string           `xml:"address" json:"address"`
	AddressID         string           `xml:"address_id" json:"address_id"`
	Zipcode           string           `xml:"zipcode" json:"zipcode"`
	Lat               *float64         `xml:"lat,omitempty" json:"lat"`
	Long              *float64         `xml:"long,omitempty" json:"long"`
	MediaURL          string           `xml:"media_url" json:"media_url"`
	Attributes        []AttributeValue `xml:"attributes>attribute,omitempty" json:"attributes,omitempty"`
	Extended          *Extended        `xml:"extended_attributes,omitempty" json:"extended_attributes,omitempty"`
	Notes             []Note           `xml:"notes>note,omitempty" json:"notes,omitempty"`
}

// Requests is the list document of GET requests.
type Requests struct {
	XMLName xml.Name  `xml:"service_requests" json:"-"`
	Items   []Request `xml:"request"`
}

func (r Requests) body() any { return nonNil(r.Items) }

// Update is mySociety's request_update (§2.4).
type Update struct {
	UpdateID           string `xml:"update_id" json:"update_id"`
	ServiceRequestID   string `xml:"service_request_id" json:"service_request_id"`
	Status             string `xml:"status" json:"status"`
	Updated            string `xml:"updated_datetime" json:"updated_datetime"`
	Description        string `xml:"description" json:"description"`
	MediaURL           string `xml:"media_url" json:"media_url"`
	ExternalStatusCode string `xml:"external_status_code" json:"external_status_code"`
}

// Updates is the list document of servicerequestupdates.
type Updates struct {
	XMLName xml.Name `xml:"service_request_updates" json:"-"`
	Items   []Update `xml:"request_update"`
}

func (u Updates) body() any { return nonNil(u.Items) }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
