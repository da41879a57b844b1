// Package ledger is the airlock's part of the upload ledger table: the keys of its items, the items
// themselves and how each is encoded, shared by the CLI that writes requests and reviews (sce airlock),
// the release function that judges them (lambda/release), the policies that decide who may write which
// (components/airlock*.go) and `sce verify`, which proves those policies.
//
// # Who writes what, and how AWS knows
//
// DynamoDB stream records do not say who wrote an item (a stream record carries the keys and images,
// and a userIdentity only for deletions by Time to Live: DynamoDB Developer Guide, "Change data capture
// for DynamoDB Streams"), and IAM cannot compare an attribute's value with the caller. What IAM can
// compare is the partition key (dynamodb:LeadingKeys) with a policy variable: "${aws:PrincipalArn}" is
// the caller's role ARN and "${aws:userid}" is "ROLE-ID:SESSION-NAME" for a role session (AWS
// knowledge-centre article dynamodb-table-restrict-attributes; IAM User Guide, "IAM policy elements:
// Variables and tags"). So the writer's identity is part of the key, and the table's policy refuses
// any write of a request or a review whose key is not the writer's own:
//
//   - a request is keyed RequestPrefix + aws:userid of its writer, sorted by the request id;
//   - a review is keyed ReviewPrefix + aws:PrincipalArn + "#" + aws:userid of its writer, sorted by
//     the request id it decides;
//   - the release function's own records (RecordPrefix + request id, and IndexObject) may be written
//     by its role only.
//
// A review therefore names its reviewer's role and session with a certainty no attribute could give,
// and the release function reads that from the stream record's key. The role is what sce:outputReviewers
// names; the session (the part of aws:userid after the colon) names the person where roles are assumed
// with their login as the session name.
package ledger

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// Partition key prefixes and fixed keys of the airlock's items. Every one starts with Prefix, which no
// upload item's key can: those are "<bucket>/<key>" and "quarantine/<hash>", and a bucket name holds no
// '#' (S3 User Guide, "General purpose bucket naming rules": lower-case letters, digits, dots, hyphens).
const (
	// Prefix starts every airlock partition key; the release function's event source mapping selects
	// stream records by it, and the airlock's readers may read nothing else.
	Prefix = "airlock#"
	// RequestPrefix + the writer's aws:userid is a request's partition key.
	RequestPrefix = "airlock#request#"
	// ReviewPrefix + the writer's aws:PrincipalArn + "#" + aws:userid is a review's partition key.
	ReviewPrefix = "airlock#review#"
	// RecordPrefix + the request id is the partition of the release function's records of one request.
	RecordPrefix = "airlock#record#"
	// IndexObject is the partition of the release function's index of every request, one item each.
	IndexObject = "airlock#index"
)

// Sort keys of the records of one request (under RecordPrefix + id).
const (
	// VersionRequest is the request as the release function first recorded it.
	VersionRequest = "request"
	// VersionRelease is the release: started, done or refused.
	VersionRelease = "release"
	// DecisionPrefix + the reviewer's role ARN is a reviewer's decision as the release function
	// accepted it.
	DecisionPrefix = "decision#"
	// EventPrefix + an RFC 3339 time + "#" + the kind is one step of the request's history.
	EventPrefix = "event#"
)

// Policy values of the partition keys: what the table's policy compares dynamodb:LeadingKeys with.
const (
	// RequestKeyOfCaller is the only request key a caller may write.
	RequestKeyOfCaller = RequestPrefix + "${aws:userid}"
	// ReviewKeyOfCaller is the only review key a caller may write.
	ReviewKeyOfCaller = ReviewPrefix + "${aws:PrincipalArn}#${aws:userid}"
	// RequestKeys, ReviewKeys and RecordKeys match the keys of each kind (StringLike patterns).
	RequestKeys = RequestPrefix + "*"
	ReviewKeys  = ReviewPrefix + "*"
	RecordKeys  = RecordPrefix + "*"
	// AllKeys matches every airlock key, and no upload's.
	AllKeys = Prefix + "*"
)

// requestID is the form of a request id: the UTC time it was made, to the second, and 32 random bits.
var requestID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$`)

// NewRequestID returns a new request id: "20261103T142501Z-9f86d081". The time orders requests; the
// random part keeps two requests of one second apart.
func NewRequestID(now time.Time, random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	b := make([]byte, 4)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("make a request id: %w", err)
	}
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b), nil
}

// ValidRequestID reports whether id has the form NewRequestID gives. Ids are parts of keys and object
// names: anything else is refused before it is used.
func ValidRequestID(id string) bool { return requestID.MatchString(id) }

// RequestObject is the partition key of the requests written by the caller whose aws:userid is userID.
func RequestObject(userID string) string { return RequestPrefix + userID }

// ParseRequestObject returns the writer's aws:userid from a request's partition key.
func ParseRequestObject(object string) (userID string, ok bool) {
	userID, ok = strings.CutPrefix(object, RequestPrefix)
	return userID, ok && validUserID(userID)
}

// ReviewObject is the partition key of the reviews written by a caller: its role ARN and its aws:userid.
func ReviewObject(roleARN, userID string) string { return ReviewPrefix + roleARN + "#" + userID }

// ParseReviewObject returns the reviewer's role ARN and aws:userid from a review's partition key. Neither
// a role ARN nor a user id holds '#' (IAM names allow letters, digits and +=,.@_- and paths '/'; session
// names the same without '/'), so the split is unambiguous.
func ParseReviewObject(object string) (roleARN, userID string, ok bool) {
	rest, ok := strings.CutPrefix(object, ReviewPrefix)
	if !ok {
		return "", "", false
	}
	roleARN, userID, ok = strings.Cut(rest, "#")
	if !ok || strings.Contains(userID, "#") || !strings.HasPrefix(roleARN, "arn:") || !validUserID(userID) {
		return "", "", false
	}
	return roleARN, userID, true
}

// RecordObject is the partition of the release function's records of one request.
func RecordObject(id string) string { return RecordPrefix + id }

// DecisionVersion is the sort key of a reviewer's accepted decision.
func DecisionVersion(roleARN string) string { return DecisionPrefix + roleARN }

// EventVersion is the sort key of one step of a request's history.
func EventVersion(at time.Time, kind EventKind) string {
	return EventPrefix + at.UTC().Format(time.RFC3339Nano) + "#" + string(kind)
}

// validUserID reports whether s looks like an aws:userid: a unique id (AIDA..., AROA..., or an account
// id), for a role session followed by ":" and the session name. Nothing else is accepted in a key.
func validUserID(s string) bool {
	id, session, hasSession := strings.Cut(s, ":")
	if id == "" || strings.ContainsAny(id, "#/ ") {
		return false
	}
	return !hasSession || (session != "" && !strings.ContainsAny(session, "#/ :"))
}

// Session returns the session name of a role session's aws:userid ("AROA...:alice" gives "alice"), or ""
// for a user or a role without one.
func Session(userID string) string {
	_, session, _ := strings.Cut(userID, ":")
	return session
}

// UniqueID returns the unique id part of an aws:userid: the role's id for a role session.
func UniqueID(userID string) string {
	id, _, _ := strings.Cut(userID, ":")
	return id
}
