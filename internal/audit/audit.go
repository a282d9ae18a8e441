// Package audit computes and verifies towngrid's hash-chained audit log.
//
// Every write to the database appends one Record in the same transaction. Each
// record's hash covers its own fields and the previous record's hash, so
// changing, deleting or reordering any row breaks the chain from that row on.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
)

// Record is one row of the audit log.
type Record struct {
	Seq      int64  `json:"seq"`
	At       int64  `json:"at"` // unix milliseconds
	ActorID  int64  `json:"actor_id"`
	Actor    string `json:"actor"`
	Via      string `json:"via"` // web, api, cli, system, mqtt
	Action   string `json:"action"`
	Object   string `json:"object"`
	ObjectID string `json:"object_id"`
	Before   string `json:"before"` // digest of the object before the write ("" when created)
	After    string `json:"after"`  // digest after ("" when deleted)
	Detail   string `json:"detail"` // short, masked, human-readable summary
	Prev     string `json:"prev"`
	Hash     string `json:"hash"`
}

// Digest is the hex SHA-256 of v's JSON encoding, or "" for nil. Map keys are
// sorted by encoding/json, so equal values digest equally.
func Digest(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Values handed to the audit log are plain data; a failure here is a
		// programming error that must not silently weaken the chain.
		panic("audit: digest of unencodable value: " + err.Error())
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ComputeHash returns the hash this record must carry given its fields and Prev.
func (r *Record) ComputeHash() string {
	var b strings.Builder
	for _, f := range []string{
		strconv.FormatInt(r.Seq, 10), strconv.FormatInt(r.At, 10), strconv.FormatInt(r.ActorID, 10),
		r.Actor, r.Via, r.Action, r.Object, r.ObjectID, r.Before, r.After, r.Detail, r.Prev,
	} {
		b.WriteString(strconv.Itoa(len(f))) // length-prefix so field boundaries cannot shift
		b.WriteByte(':')
		b.WriteString(f)
	}
	s := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(s[:])
}

// Chain seals r after prev: it sets Seq, Prev and Hash.
func (r *Record) Chain(prevSeq int64, prevHash string) {
	r.Seq = prevSeq + 1
	r.Prev = prevHash
	r.Hash = r.ComputeHash()
}

// Verifier checks records fed to it in sequence order.
type Verifier struct {
	seq  int64
	hash string
	n    int64
}

// Problem describes the first broken row.
type Problem struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Next checks one record; it returns a Problem for the first broken row.
func (v *Verifier) Next(r *Record) *Problem {
	v.n++
	switch {
	case r.Seq != v.seq+1:
		return &Problem{Seq: r.Seq, Reason: "sequence gap: expected " + strconv.FormatInt(v.seq+1, 10)}
	case r.Prev != v.hash:
		return &Problem{Seq: r.Seq, Reason: "previous hash does not match the row before"}
	case r.ComputeHash() != r.Hash:
		return &Problem{Seq: r.Seq, Reason: "row content does not match its hash"}
	}
	v.seq, v.hash = r.Seq, r.Hash
	return nil
}

// Head returns the last verified sequence number and hash, and the count seen.
func (v *Verifier) Head() (seq int64, hash string, n int64) { return v.seq, v.hash, v.n }
