// Package audit reads CloudTrail log files and reports every data event on the project's PHI buckets:
// who (the principal), what (bucket and object), when, from where (source IP address or VPC endpoint),
// the action, and whether it was allowed or denied. It is the compliance officer's "these data were used
// by whom and when", and it flags what needs a look:
//
//   - outside-endpoint: an access that did not come through the project's S3 VPC endpoint (only checked
//     when the endpoint is known: --vpc-endpoint, or s3EndpointId in the stack outputs);
//   - denied: a request refused for lack of permission or valid credentials (AccessDenied,
//     AllAccessDisabled, InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken...); other errors (NoSuchKey) are shown as failed but not flagged;
//   - unknown-principal: a principal matching none of the known ones (only checked when some are
//     given); a principal is matched by its ARN and, for an assumed role, by the role's ARN too.
//
// CloudTrail delivers gzip-compressed JSON files, {"Records": [...]}, under
// AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/ in the trail's bucket; the digest files beside
// them (CloudTrail-Digest) are skipped. A record is a data event when its eventCategory is "Data" (or,
// in older records without eventCategory, managementEvent is false) and its eventSource is
// s3.amazonaws.com; management events (bucket policy changes and the like) are not part of this report.
package audit

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Record is one CloudTrail event, with the fields the report reads. Field names are CloudTrail's.
type Record struct {
	EventVersion      string         `json:"eventVersion"`
	EventTime         time.Time      `json:"eventTime"`
	EventSource       string         `json:"eventSource"`
	EventName         string         `json:"eventName"`
	AWSRegion         string         `json:"awsRegion"`
	SourceIPAddress   string         `json:"sourceIPAddress"`
	UserAgent         string         `json:"userAgent"`
	UserIdentity      UserIdentity   `json:"userIdentity"`
	RequestParameters map[string]any `json:"requestParameters"`
	Resources         []Resource     `json:"resources"`
	ErrorCode         string         `json:"errorCode"`
	ErrorMessage      string         `json:"errorMessage"`
	ReadOnly          *bool          `json:"readOnly"`
	ManagementEvent   *bool          `json:"managementEvent"`
	EventCategory     string         `json:"eventCategory"`
	EventType         string         `json:"eventType"`
	EventID           string         `json:"eventID"`
	RequestID         string         `json:"requestID"`
	VPCEndpointID     string         `json:"vpcEndpointId"`
	RecipientAccount  string         `json:"recipientAccountId"`
	AdditionalData    map[string]any `json:"additionalEventData"`
	TLSDetails        map[string]any `json:"tlsDetails"`
}

// UserIdentity is who made the request.
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId"`
	UserName       string          `json:"userName"`
	InvokedBy      string          `json:"invokedBy"`
	SessionContext *SessionContext `json:"sessionContext"`
}

// SessionContext describes temporary credentials: for an assumed role, the role that issued them, and
// the source identity the session was given (sts:SourceIdentity; it persists through role chaining and
// cannot be changed during the session).
type SessionContext struct {
	SourceIdentity string `json:"sourceIdentity"`
	SessionIssuer  struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		ARN         string `json:"arn"`
		AccountID   string `json:"accountId"`
		UserName    string `json:"userName"`
	} `json:"sessionIssuer"`
	Attributes struct {
		CreationDate     string `json:"creationDate"`
		MFAAuthenticated string `json:"mfaAuthenticated"`
	} `json:"attributes"`
}

// Resource is one resource of an event: for S3 data events, AWS::S3::Object and AWS::S3::Bucket ARNs.
type Resource struct {
	Type      string `json:"type"`
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId"`
}

// logFile is the document of one CloudTrail log file.
type logFile struct {
	Records *[]Record `json:"Records"`
}

// parseLog reads the JSON of one log file.
func parseLog(data []byte) ([]Record, error) {
	var f logFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Records == nil {
		return nil, fmt.Errorf("no Records array: not a CloudTrail log file")
	}
	return *f.Records, nil
}

// IsS3DataEvent reports whether the record is an S3 data event (object-level).
func (r *Record) IsS3DataEvent() bool {
	if r.EventSource != "s3.amazonaws.com" {
		return false
	}
	if r.EventCategory != "" {
		return r.EventCategory == "Data"
	}
	return r.ManagementEvent != nil && !*r.ManagementEvent
}

// BucketAndKey returns the bucket and object key an S3 event names: from requestParameters, else from
// the resources' ARNs. The key is "" for bucket-level data events (ListObjects).
func (r *Record) BucketAndKey() (bucket, key string) {
	bucket, _ = r.RequestParameters["bucketName"].(string)
	key, _ = r.RequestParameters["key"].(string)
	for _, res := range r.Resources {
		rest, ok := strings.CutPrefix(res.ARN, "arn:")
		if !ok {
			continue
		}
		// arn:PARTITION:s3:::bucket[/key]
		fields := strings.SplitN(rest, ":", 5)
		if len(fields) != 5 || fields[1] != "s3" {
			continue
		}
		b, k, _ := strings.Cut(fields[4], "/")
		if bucket == "" {
			bucket = b
		}
		if key == "" && res.Type == "AWS::S3::Object" && b == bucket {
			key = k
		}
	}
	return bucket, key
}

// Principal returns the ARN of who made the request; for an AWS service, the service's name.
func (r *Record) Principal() string {
	switch {
	case r.UserIdentity.ARN != "":
		return r.UserIdentity.ARN
	case r.UserIdentity.InvokedBy != "":
		return r.UserIdentity.InvokedBy
	case r.UserIdentity.PrincipalID != "":
		return r.UserIdentity.PrincipalID
	case r.UserIdentity.AccountID != "":
		return r.UserIdentity.Type + " " + r.UserIdentity.AccountID
	}
	if r.UserIdentity.Type != "" {
		return r.UserIdentity.Type
	}
	return "unknown"
}

// PrincipalARNs returns the ARNs the principal may be known by: its own and, for temporary credentials,
// the issuing role's or user's.
func (r *Record) PrincipalARNs() []string {
	var arns []string
	if p := r.Principal(); p != "" {
		arns = append(arns, p)
	}
	if sc := r.UserIdentity.SessionContext; sc != nil && sc.SessionIssuer.ARN != "" {
		arns = append(arns, sc.SessionIssuer.ARN)
	}
	return arns
}
