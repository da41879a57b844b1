package handler

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The attribute names of a ledger item.
const (
	AttrObject            = "object"            // partition key: "<bucket>/<key>", or "<quarantine prefix><hash>"
	AttrVersion           = "version"           // sort key: the object's version id, "null" when unversioned
	AttrBucket            = "bucket"            // the bucket the object was uploaded to
	AttrKeyHash           = "keyHash"           // phi.KeyHash of the key
	AttrSize              = "size"              // bytes (N)
	AttrETag              = "etag"              // without quotes
	AttrSSE               = "sse"               // x-amz-server-side-encryption: "aws:kms", "AES256", ...
	AttrKMSKeyID          = "kmsKeyId"          // the KMS key of SSE-KMS
	AttrUploader          = "uploader"          // the event's userIdentity.principalId
	AttrSourceIP          = "sourceIp"          // the event's requestParameters.sourceIPAddress
	AttrEventName         = "eventName"         // "ObjectCreated:Put", ...
	AttrEventTime         = "eventTime"         // RFC 3339, UTC
	AttrSequencer         = "sequencer"         // orders events for one key
	AttrQuarantined       = "quarantined"       // BOOL: the key holds PHI
	AttrPHIKinds          = "phiKinds"          // L of S: the kinds of identifier found (never the text)
	AttrQuarantineKey     = "quarantineKey"     // where the quarantined copy is
	AttrQuarantineVersion = "quarantineVersion" // the version id of the quarantined copy
	AttrObjectGone        = "objectGone"        // BOOL: the version no longer existed when the event was handled
	AttrRecordOnly        = "recordOnlyPrefix"  // the record-only prefix the key is under: recorded, never queued
	AttrRecordedAt        = "recordedAt"        // when the item was written
	AttrQuarantinedAt     = "quarantinedAt"     // when the copy was made and the original version deleted
	AttrQueuedAt          = "queuedAt"          // when the queue message was sent
	AttrNotifiedAt        = "notifiedAt"        // when the notification or alert was published
	AttrScanStatus        = "scanStatus"        // GuardDuty's scan result: NO_THREATS_FOUND, THREATS_FOUND, ...
	AttrScanThreats       = "scanThreats"       // L of S: the threats GuardDuty named
	AttrScannedAt         = "scannedAt"         // when the scan result was recorded
	AttrScanAlertedAt     = "scanAlertedAt"     // when the alert about a scan that did not clear the object was published
)

// unversioned is the sort key of an object in a bucket without versioning, as S3 itself names it.
const unversioned = "null"

// objectMeta is what HeadObject says about one version of an object.
type objectMeta struct {
	size     int64
	etag     string
	version  string
	sse      string
	kmsKeyID string
	gone     bool // the version no longer exists; the other fields come from the event
}

// ledgerKey returns the item's key: the object's name (or its quarantine name) and version.
func (h *Handler) ledgerKey(u *upload, m objectMeta) (object, version string) {
	object = u.bucket + "/" + u.key
	if u.phi() {
		object = h.quarantineKey(u)
	}
	version = u.version
	if version == "" {
		version = m.version
	}
	if version == "" {
		version = unversioned
	}
	return object, version
}

// recordOnlyPrefix returns the prefix, among the record-only prefixes and the quarantine prefix, that a
// key is under, or "" when its object is to be queued. An S3 notification's filter can only select by
// prefix and suffix, never exclude one, so the ledger, which must see every object, filters here.
func (h *Handler) recordOnlyPrefix(key string) string {
	if key == ValidationObject {
		return ValidationObject
	}
	for _, p := range append([]string{h.cfg.QuarantinePrefix}, h.cfg.RecordOnlyPrefixes...) {
		if strings.HasPrefix(key, p) {
			return p
		}
	}
	return ""
}

// quarantineKey is the key of the quarantined copy of an upload.
func (h *Handler) quarantineKey(u *upload) string {
	return h.cfg.QuarantinePrefix + u.keyHash
}

// ledgerItem builds the item that records an upload. A PHI key is never part of it: the item is keyed
// by the quarantine name, which is made from the key's hash.
func (h *Handler) ledgerItem(u *upload, m objectMeta, now time.Time) map[string]types.AttributeValue {
	object, version := h.ledgerKey(u, m)
	item := map[string]types.AttributeValue{
		AttrObject:      str(object),
		AttrVersion:     str(version),
		AttrBucket:      str(u.bucket),
		AttrKeyHash:     str(u.keyHash),
		AttrSize:        &types.AttributeValueMemberN{Value: strconv.FormatInt(m.size, 10)},
		AttrQuarantined: &types.AttributeValueMemberBOOL{Value: u.phi()},
		AttrObjectGone:  &types.AttributeValueMemberBOOL{Value: m.gone},
		AttrRecordedAt:  str(timestamp(now)),
	}
	optional := map[string]string{
		AttrETag:      m.etag,
		AttrSSE:       m.sse,
		AttrKMSKeyID:  m.kmsKeyID,
		AttrUploader:  u.principal,
		AttrSourceIP:  u.sourceIP,
		AttrEventName: u.eventName,
		AttrSequencer: u.sequencer,
	}
	if !u.eventTime.IsZero() {
		optional[AttrEventTime] = timestamp(u.eventTime)
	}
	if !u.phi() {
		optional[AttrRecordOnly] = h.recordOnlyPrefix(u.key)
	}
	if u.phi() {
		optional[AttrQuarantineKey] = h.quarantineKey(u)
		kinds := make([]types.AttributeValue, 0, len(u.findings))
		for _, k := range u.kinds() {
			kinds = append(kinds, str(k))
		}
		item[AttrPHIKinds] = &types.AttributeValueMemberL{Value: kinds}
	}
	for name, v := range optional {
		if v != "" {
			item[name] = str(v)
		}
	}
	return item
}

// record writes the item unless an item with its key exists (a retried or repeated event). It returns
// the item that is in the table afterwards: the new one, or the one already there, read back from the
// failed condition so that the caller can see which steps a previous attempt finished.
func (h *Handler) record(ctx context.Context, item map[string]types.AttributeValue) (stored map[string]types.AttributeValue, created bool, err error) {
	_, err = h.clients.DynamoDB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String(h.cfg.Table),
		Item:                                item,
		ConditionExpression:                 aws.String("attribute_not_exists(#o)"),
		ExpressionAttributeNames:            map[string]string{"#o": AttrObject},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var exists *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return item, true, nil
	case errors.As(err, &exists):
		if exists.Item == nil {
			// An item exists but its attributes did not come back: take every step as done rather
			// than repeat messages.
			return map[string]types.AttributeValue{AttrQueuedAt: str("unknown"), AttrNotifiedAt: str("unknown"), AttrQuarantinedAt: str("unknown")}, false, nil
		}
		return exists.Item, false, nil
	default:
		return nil, false, fmt.Errorf("write the ledger item: %w", err)
	}
}

// mark sets attributes on an existing ledger item: the time a step finished, and any values it
// produced.
func (h *Handler) mark(ctx context.Context, item map[string]types.AttributeValue, set map[string]string) error {
	names := map[string]string{"#o": AttrObject}
	values := map[string]types.AttributeValue{}
	var clauses []string
	i := 0
	for _, name := range sortedKeys(set) {
		i++
		n, v := "#a"+strconv.Itoa(i), ":v"+strconv.Itoa(i)
		names[n] = name
		values[v] = str(set[name])
		clauses = append(clauses, n+" = "+v)
	}
	_, err := h.clients.DynamoDB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(h.cfg.Table),
		Key:                       map[string]types.AttributeValue{AttrObject: item[AttrObject], AttrVersion: item[AttrVersion]},
		UpdateExpression:          aws.String("SET " + strings.Join(clauses, ", ")),
		ConditionExpression:       aws.String("attribute_exists(#o)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	if err != nil {
		return fmt.Errorf("update the ledger item (%s): %w", strings.Join(sortedKeys(set), ", "), err)
	}
	return nil
}

// done reports whether a step's attribute is set on a stored item.
func done(item map[string]types.AttributeValue, attr string) bool {
	_, ok := item[attr]
	return ok
}

// stringAttr returns a string attribute of an item, or "" when it is absent or not a string.
func stringAttr(item map[string]types.AttributeValue, attr string) string {
	if v, ok := item[attr].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func str(s string) *types.AttributeValueMemberS { return &types.AttributeValueMemberS{Value: s} }

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
