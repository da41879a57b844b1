package handler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/sce-project/sce/internal/phi"
)

// The scan results GuardDuty Malware Protection for S3 reports ("S3 object potential scan status and
// result status", https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html).
const (
	ScanClean        = "NO_THREATS_FOUND"
	ScanThreatsFound = "THREATS_FOUND"
)

// ScanResultDetailType and scanSource name the scan-result event on the default event bus ("Monitoring S3
// object scans with Amazon EventBridge",
// https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html).
const (
	ScanResultDetailType = "GuardDuty Malware Protection Object Scan Result"
	scanSource           = "aws.guardduty"
)

// ValidationObject is the object GuardDuty writes into the bucket when the plan is created.
const ValidationObject = "malware-protection-resource-validation-object"

// ScanResultEvent is the EventBridge event GuardDuty publishes after scanning an object. Object keys
// arrive as they are, not URL-encoded (unlike S3 event notifications).
type ScanResultEvent struct {
	Version    string           `json:"version"`
	ID         string           `json:"id"`
	DetailType string           `json:"detail-type"`
	Source     string           `json:"source"`
	Account    string           `json:"account"`
	Time       time.Time        `json:"time"`
	Region     string           `json:"region"`
	Resources  []string         `json:"resources"`
	Detail     ScanResultDetail `json:"detail"`
}

// ScanResultDetail is the event's detail.
type ScanResultDetail struct {
	SchemaVersion string `json:"schemaVersion"`
	// ScanStatus is COMPLETED, SKIPPED or FAILED.
	ScanStatus      string `json:"scanStatus"`
	ResourceType    string `json:"resourceType"`
	S3ObjectDetails struct {
		BucketName  string `json:"bucketName"`
		ObjectKey   string `json:"objectKey"`
		ETag        string `json:"eTag"`
		VersionID   string `json:"versionId"`
		S3Throttled bool   `json:"s3Throttled"`
	} `json:"s3ObjectDetails"`
	ScanResultDetails struct {
		ScanResultStatus string `json:"scanResultStatus"`
		Threats          []struct {
			Name string `json:"name"`
		} `json:"threats"`
	} `json:"scanResultDetails"`
}

// result is the scan's outcome: scanResultStatus, or the scan status when GuardDuty gave no result.
func (d ScanResultDetail) result() string {
	if r := d.ScanResultDetails.ScanResultStatus; r != "" {
		return r
	}
	if d.ScanStatus != "" {
		return d.ScanStatus
	}
	return "UNKNOWN"
}

func (d ScanResultDetail) threats() []string {
	var out []string
	for _, t := range d.ScanResultDetails.Threats {
		if t.Name != "" {
			out = append(out, t.Name)
		}
	}
	return out
}

// HandleScanResult records a scan result on the object's ledger item, then:
//
//   - NO_THREATS_FOUND: queues the object for processing (unless its key holds PHI, it is under a
//     record-only prefix, or it is gone), once;
//   - THREATS_FOUND: quarantines the version as a PHI-named key is (copied under the quarantine prefix,
//     the original version deleted) and publishes an alert, once each;
//   - any other result (UNSUPPORTED, ACCESS_DENIED, FAILED, a skipped scan): publishes an alert, once:
//     the object stays unreadable to everyone but the administrators.
//
// A scan result for an object the ledger has not recorded yet (its upload event is still on its way) is
// an error, so that Lambda retries the event. The scan of a quarantined copy is not recorded: its copy's
// alert, when it holds malware, is enough. A key that holds PHI is never logged or published.
func (h *Handler) HandleScanResult(ctx context.Context, ev ScanResultEvent) error {
	if ev.DetailType != ScanResultDetailType || ev.Source != scanSource {
		return fmt.Errorf("not a GuardDuty scan result: source %q, detail-type %q", ev.Source, ev.DetailType)
	}
	d := ev.Detail
	o := d.S3ObjectDetails
	u := &upload{bucket: o.BucketName, key: o.ObjectKey, rawKey: o.ObjectKey, version: o.VersionID,
		etag: strings.Trim(o.ETag, `"`), keyHash: phi.KeyHash(o.ObjectKey)}
	u.findings = h.detector.Check(u.key)
	log := h.log.With("bucket", u.bucket, "keyHash", u.keyHash, "versionId", u.version, "scanResult", d.result(), "eventId", ev.ID)
	if !u.phi() {
		log = log.With("key", u.key)
	}
	if u.bucket == "" || u.key == "" {
		return errors.New("scan result names no bucket or no object key")
	}
	red := newRedactor(u)
	if err := h.scanned(ctx, u, d, log); err != nil {
		msg := red.Redact(err.Error())
		log.ErrorContext(ctx, "scan result failed", "error", msg)
		return fmt.Errorf("scan result for %s: %s", u.object(), msg)
	}
	return nil
}

func (h *Handler) scanned(ctx context.Context, u *upload, d ScanResultDetail, log *slog.Logger) error {
	result := d.result()
	if isQuarantineCopy(u.key, h.cfg.QuarantinePrefix) {
		if result == ScanClean {
			log.InfoContext(ctx, "a quarantined copy was scanned clean")
			return nil
		}
		log.WarnContext(ctx, "a quarantined copy did not scan clean: alerting")
		return h.publish(ctx, scanAlert(u, d, "", false, true))
	}
	key, version := h.ledgerKey(u, objectMeta{})
	stored, err := h.recordScan(ctx, key, version, d)
	if err != nil {
		return err
	}
	log.InfoContext(ctx, "scan result recorded in the ledger", "threats", len(d.threats()))
	if u.phi() {
		// The version was quarantined when it was uploaded; its copy is scanned in its turn.
		log.InfoContext(ctx, "the key holds PHI: the object was quarantined at upload")
		return nil
	}
	item := map[string]types.AttributeValue{AttrObject: str(key), AttrVersion: str(version)}
	switch result {
	case ScanClean:
		if h.recordOnlyPrefix(u.key) != "" || done(stored, AttrQueuedAt) || boolAttr(stored, AttrObjectGone) {
			return nil
		}
		meta := objectMeta{size: numberAttr(stored, AttrSize), etag: stringAttr(stored, AttrETag)}
		if err := h.enqueue(ctx, u, meta, version); err != nil {
			return err
		}
		if err := h.mark(ctx, item, map[string]string{AttrQueuedAt: timestamp(h.now())}); err != nil {
			return err
		}
		log.InfoContext(ctx, "scanned clean: queued for processing")
		return nil
	case ScanThreatsFound:
		quarantined := done(stored, AttrQuarantinedAt)
		if !quarantined {
			meta, err := h.head(ctx, u)
			if err != nil {
				return err
			}
			if !meta.gone {
				qv, err := h.quarantine(ctx, u, meta)
				if err != nil {
					return err
				}
				if err := h.mark(ctx, item, map[string]string{AttrQuarantinedAt: timestamp(h.now()),
					AttrQuarantineKey: h.quarantineKey(u), AttrQuarantineVersion: qv}); err != nil {
					return err
				}
				quarantined = true
				log.WarnContext(ctx, "malware found: quarantined", "quarantineKey", h.quarantineKey(u), "quarantineVersion", qv)
			}
		}
		return h.alertOnce(ctx, item, stored, scanAlert(u, d, h.quarantineKey(u), quarantined, false))
	default:
		log.WarnContext(ctx, "the scan did not clear the object: alerting")
		return h.alertOnce(ctx, item, stored, scanAlert(u, d, "", false, false))
	}
}

// recordScan sets the scan result on an existing ledger item and returns the item as it now is.
func (h *Handler) recordScan(ctx context.Context, key, version string, d ScanResultDetail) (map[string]types.AttributeValue, error) {
	threats := []types.AttributeValue{}
	for _, t := range d.threats() {
		threats = append(threats, str(t))
	}
	out, err := h.clients.DynamoDB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(h.cfg.Table),
		Key:                 map[string]types.AttributeValue{AttrObject: str(key), AttrVersion: str(version)},
		UpdateExpression:    aws.String("SET #a1 = :v1, #a2 = :v2, #a3 = :v3"),
		ConditionExpression: aws.String("attribute_exists(#o)"),
		ExpressionAttributeNames: map[string]string{"#o": AttrObject,
			"#a1": AttrScanStatus, "#a2": AttrScanThreats, "#a3": AttrScannedAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v1": str(d.result()), ":v2": &types.AttributeValueMemberL{Value: threats}, ":v3": str(timestamp(h.now())),
		},
		ReturnValues: types.ReturnValueAllNew,
	})
	var missing *types.ConditionalCheckFailedException
	if errors.As(err, &missing) {
		return nil, errors.New("the object is not in the ledger yet (its upload event has not been handled): the event is retried")
	}
	if err != nil {
		return nil, fmt.Errorf("record the scan result in the ledger: %w", err)
	}
	return out.Attributes, nil
}

// alertOnce publishes a scan alert unless the item says one was, and marks it.
func (h *Handler) alertOnce(ctx context.Context, item, stored map[string]types.AttributeValue, msg [2]string) error {
	if done(stored, AttrScanAlertedAt) {
		return nil
	}
	if err := h.publish(ctx, msg); err != nil {
		return err
	}
	return h.mark(ctx, item, map[string]string{AttrScanAlertedAt: timestamp(h.now())})
}

func (h *Handler) publish(ctx context.Context, msg [2]string) error {
	if _, err := h.clients.SNS.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(h.cfg.TopicARN), Subject: aws.String(msg[0]), Message: aws.String(msg[1])}); err != nil {
		return fmt.Errorf("publish the scan alert: %w", err)
	}
	return nil
}

// scanAlert is the subject and text of the alert about a scan that did not find an object clean.
func scanAlert(u *upload, d ScanResultDetail, quarantineKey string, quarantined, isCopy bool) [2]string {
	result := d.result()
	var subj string
	var b strings.Builder
	switch result {
	case ScanThreatsFound:
		subj = subject("SCE alert: malware in an upload to " + u.bucket)
		fmt.Fprintf(&b, "GuardDuty found malware in an object of %s.\n\n", u.bucket)
	default:
		subj = subject("SCE alert: malware scan did not clear an upload to " + u.bucket)
		fmt.Fprintf(&b, "GuardDuty's malware scan of an object of %s ended %s, not %s.\n\n", u.bucket, result, ScanClean)
	}
	fields := [][2]string{{"Object", u.object()}, {"Version", u.version}, {"Scan status", d.ScanStatus}, {"Scan result", result}}
	if t := d.threats(); len(t) > 0 {
		fields = append(fields, [2]string{"Threats", strings.Join(t, "; ")})
	}
	for _, f := range fields {
		if f[1] != "" {
			fmt.Fprintf(&b, "%-12s %s\n", f[0]+":", f[1])
		}
	}
	switch {
	case isCopy:
		fmt.Fprintf(&b, "\nThe object is a quarantined copy, readable by administrators only. Do not open it outside an isolated environment.\n")
	case quarantined:
		fmt.Fprintf(&b, "\nThe version was copied to s3://%s/%s, readable by administrators only, and deleted from its key. Nobody else could ever read it: reads need the tag %s.\n",
			u.bucket, quarantineKey, ScanClean)
	case result == ScanThreatsFound:
		fmt.Fprintf(&b, "\nThe version no longer existed when the result arrived: an earlier attempt quarantined it, or someone deleted it.\n")
	default:
		fmt.Fprintf(&b, "\nThe object stays unreadable to the workstation and the workers (their reads need the tag %s). "+
			"UNSUPPORTED is an object GuardDuty cannot scan (larger than its limit, a password-protected archive): split or unpack it and upload it again. "+
			"ACCESS_DENIED and FAILED: an administrator can start a new scan (aws guardduty send-object-malware-scan) or review the object.\n", ScanClean)
	}
	return [2]string{subj, b.String()}
}

func boolAttr(item map[string]types.AttributeValue, attr string) bool {
	v, ok := item[attr].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

func numberAttr(item map[string]types.AttributeValue, attr string) int64 {
	v, ok := item[attr].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	var n int64
	if _, err := fmt.Sscan(v.Value, &n); err != nil {
		return 0
	}
	return n
}
