package ledger

import "encoding/json"

// RequestRecord is the release function's record of a request (RecordObject(id), VersionRequest),
// written once, when the request is first seen: later changes of the requester's item do not change
// what reviewers decide on or what is released.
type RequestRecord struct {
	Object  string `dynamodbav:"object"`
	Version string `dynamodbav:"version"`
	// ID is the request id.
	ID string `dynamodbav:"id"`
	// RequestObject is the requester's item's partition key.
	RequestObject string `dynamodbav:"requestObject"`
	// RequesterUserID is the writer's aws:userid, from the request's key (IAM made it the writer's).
	RequesterUserID string `dynamodbav:"requesterUserId"`
	// Requester is the requester's STS ARN, whose session matches RequesterUserID.
	Requester   string `dynamodbav:"requester"`
	Why         string `dynamodbav:"why"`
	RequestedAt string `dynamodbav:"requestedAt"`
	RecordedAt  string `dynamodbav:"recordedAt"`
	Bucket      string `dynamodbav:"bucket"`
	Files       []File `dynamodbav:"files"`
	Checks      string `dynamodbav:"checks"`
	Flagged     int    `dynamodbav:"flagged"`
	// Reviewers are the roles that may review it (sce:outputReviewers when it was recorded).
	Reviewers []string `dynamodbav:"reviewers"`
}

// DecisionRecord is a reviewer's decision as the release function accepted it (RecordObject(id),
// DecisionVersion(role)). A reviewer's later decision replaces the earlier one.
type DecisionRecord struct {
	Object  string `dynamodbav:"object"`
	Version string `dynamodbav:"version"`
	// Reviewer is the reviewer's role ARN, from the review's key.
	Reviewer string `dynamodbav:"reviewer"`
	// ReviewerUserID is the reviewer's aws:userid, from the review's key.
	ReviewerUserID string `dynamodbav:"reviewerUserId"`
	// ReviewerARN is the reviewer's STS ARN as the review gives it.
	ReviewerARN string   `dynamodbav:"reviewerArn"`
	Decision    Decision `dynamodbav:"decision"`
	Comment     string   `dynamodbav:"comment,omitempty"`
	Files       []Hash   `dynamodbav:"files"`
	ReviewedAt  string   `dynamodbav:"reviewedAt"`
	RecordedAt  string   `dynamodbav:"recordedAt"`
}

// ReleasedFile is one file as released.
type ReleasedFile struct {
	Name   string `dynamodbav:"name" json:"name"`
	SHA256 string `dynamodbav:"sha256" json:"sha256"`
	Size   int64  `dynamodbav:"size" json:"size"`
	// SourceKey and SourceVersionID are the outbox object version whose SHA-256 was recomputed and copied.
	SourceKey       string `dynamodbav:"sourceKey" json:"sourceKey"`
	SourceVersionID string `dynamodbav:"sourceVersionId,omitempty" json:"sourceVersionId,omitempty"`
	// Key and VersionID are the released copy.
	Key       string `dynamodbav:"key" json:"key"`
	VersionID string `dynamodbav:"versionId,omitempty" json:"versionId,omitempty"`
}

// ReleaseRecord is the release of a request (RecordObject(id), VersionRelease).
type ReleaseRecord struct {
	Object     string         `dynamodbav:"object"`
	Version    string         `dynamodbav:"version"`
	Status     Status         `dynamodbav:"status"`
	StartedAt  string         `dynamodbav:"startedAt"`
	FinishedAt string         `dynamodbav:"finishedAt,omitempty"`
	Files      []ReleasedFile `dynamodbav:"files,omitempty"`
	// RecordKey is the object key of the release record in the output bucket.
	RecordKey string `dynamodbav:"recordKey,omitempty"`
	// Reason says why a release was refused.
	Reason string `dynamodbav:"reason,omitempty"`
}

// IndexEntry is one request in the index (IndexObject, id): what `sce airlock list` shows.
type IndexEntry struct {
	Object        string `dynamodbav:"object"`
	Version       string `dynamodbav:"version"`
	RequestObject string `dynamodbav:"requestObject"`
	Requester     string `dynamodbav:"requester"`
	RequestedAt   string `dynamodbav:"requestedAt"`
	Files         int    `dynamodbav:"files"`
	Flagged       int    `dynamodbav:"flagged"`
	Status        Status `dynamodbav:"status"`
	Approvals     int    `dynamodbav:"approvals"`
	UpdatedAt     string `dynamodbav:"updatedAt"`
}

// Event is one step of a request's history (RecordObject(id), EventVersion(at, kind)).
type Event struct {
	Object  string    `dynamodbav:"object"`
	Version string    `dynamodbav:"version"`
	Kind    EventKind `dynamodbav:"kind"`
	At      string    `dynamodbav:"at"`
	// Actor is who caused it: the requester's or reviewer's ARN, or the release function.
	Actor   string `dynamodbav:"actor"`
	Message string `dynamodbav:"message"`
}

// ReleaseDocument is the machine-readable release record written next to the released files
// (ReleaseRecordKey): the request, its automated checks, the reviewers and the hashes, so that whoever
// receives the files can tell what was released, why, and who approved it (SATRE v2 3.3.09).
type ReleaseDocument struct {
	Schema      string          `json:"schema"`
	RequestID   string          `json:"requestId"`
	Requester   string          `json:"requester"`
	RequesterID string          `json:"requesterUserId"`
	Why         string          `json:"why"`
	RequestedAt string          `json:"requestedAt"`
	Checks      json.RawMessage `json:"checks"`
	Flagged     int             `json:"flagged"`
	Reviewers   []ReviewerEntry `json:"reviewers"`
	Files       []ReleasedFile  `json:"files"`
	ReleasedAt  string          `json:"releasedAt"`
	ReleasedBy  string          `json:"releasedBy"`
}

// ReviewerEntry is one approval in a release document.
type ReviewerEntry struct {
	Role       string `json:"role"`
	UserID     string `json:"userId"`
	ARN        string `json:"arn"`
	ReviewedAt string `json:"reviewedAt"`
	Comment    string `json:"comment,omitempty"`
}

// ReleaseSchema names the release document's format.
const ReleaseSchema = "sce-airlock-release/1"
