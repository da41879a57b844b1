package audit

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sce-project/sce/internal/phi"
)

// Anomaly names something in an event that needs a look.
type Anomaly string

// The anomalies the report flags.
const (
	OutsideEndpoint  Anomaly = "outside-endpoint"
	Denied           Anomaly = "denied"
	UnknownPrincipal Anomaly = "unknown-principal"
)

// IsDenied reports whether an error code means the request was refused for lack of permission or of
// valid credentials.
func IsDenied(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "AllAccessDisabled", "AccountProblem", "Forbidden",
		"InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired",
		"UnauthorizedAccess", "InvalidSecurity", "RequestTimeTooSkewed", "KMS.AccessDeniedException":
		return true
	}
	return false
}

// Window is the time window of the report: From included, To excluded; a zero bound is open.
type Window struct {
	From, To time.Time
}

// Contains reports whether t lies in the window.
func (w Window) Contains(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && (w.To.IsZero() || t.Before(w.To))
}

// ParseTime reads a --from or --to value: RFC 3339 ("2026-11-28T10:00:00Z") or a date ("2026-11-28",
// midnight UTC).
func ParseTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--%s %q: want an RFC 3339 time (2026-11-28T10:00:00Z) or a date (2026-11-28)", flag, s)
}

// Options choose what the report covers and what it flags.
type Options struct {
	Window Window
	// Buckets are the PHI buckets to report on; empty reports the S3 data events of every bucket.
	Buckets []string
	// VPCEndpoint is the project's S3 endpoint (vpce-...); empty turns the outside-endpoint check off.
	VPCEndpoint string
	// KnownPrincipals are ARNs or patterns (* matches any run of characters, ? one) of the principals
	// expected to touch the data; empty turns the unknown-principal check off.
	KnownPrincipals []string
	// ShowKeys prints object keys; by default they are replaced by their SHA-256 (keys may hold PHI by
	// mistake, and the report travels further than the data).
	ShowKeys bool
}

var vpcEndpointRE = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)

// Validate reports options that cannot be right, naming the flag.
func (o Options) Validate() error {
	var errs []error
	if !o.Window.From.IsZero() && !o.Window.To.IsZero() && !o.Window.From.Before(o.Window.To) {
		errs = append(errs, fmt.Errorf("--from %s is not before --to %s", o.Window.From.Format(time.RFC3339), o.Window.To.Format(time.RFC3339)))
	}
	if o.VPCEndpoint != "" && !vpcEndpointRE.MatchString(o.VPCEndpoint) {
		errs = append(errs, fmt.Errorf("--vpc-endpoint %q: want an endpoint id, vpce- and 8 or 17 hexadecimal digits", o.VPCEndpoint))
	}
	for _, p := range o.KnownPrincipals {
		if p == "" || strings.ContainsAny(p, " \t") {
			errs = append(errs, fmt.Errorf("--known-principals: %q is not an ARN or pattern", p))
		}
	}
	return errors.Join(errs...)
}

// Row is one data event in the report.
type Row struct {
	Time      time.Time
	Principal string
	Action    string
	Bucket    string
	// Object is the key, its hash ("sha256:..."), or "" for a bucket-level event.
	Object    string
	From      string // "vpce-..." or the source IP address (or service name)
	Result    string // "allowed", "denied (Code)" or "failed (Code)"
	Anomalies []Anomaly
	EventID   string
}

// Report is the result of reading a trail.
type Report struct {
	Trail   string
	Options Options
	Rows    []Row
	// Files is the number of log files read; Records the records in them; Skipped the records that are
	// not data events on the PHI buckets in the window.
	Files, Records, Skipped int
	// Problems lists the log files that could not be read; the report lacks their events.
	Problems []string
}

// Anomalies counts the rows flagged with each anomaly.
func (r *Report) Anomalies() map[Anomaly]int {
	n := map[Anomaly]int{}
	for _, row := range r.Rows {
		for _, a := range row.Anomalies {
			n[a]++
		}
	}
	return n
}

// Flagged counts the rows with at least one anomaly.
func (r *Report) Flagged() int {
	n := 0
	for _, row := range r.Rows {
		if len(row.Anomalies) > 0 {
			n++
		}
	}
	return n
}

// Build reads the trail (a directory, or S3 through client) and builds the report.
func Build(ctx context.Context, t Trail, client S3API, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	rep := &Report{Trail: t.String(), Options: o}
	m, err := newMatcher(o.KnownPrincipals)
	if err != nil {
		return nil, err
	}
	visit := func(f LogFile) {
		for i := range f.Records {
			rep.Records++
			if row, ok := rowOf(&f.Records[i], o, m); ok {
				rep.Rows = append(rep.Rows, row)
			} else {
				rep.Skipped++
			}
		}
	}
	files, bad, err := Read(ctx, t, client, o.Window, visit)
	if err != nil {
		return nil, err
	}
	rep.Files = files
	for _, b := range bad {
		rep.Problems = append(rep.Problems, b.Error())
	}
	slices.SortStableFunc(rep.Rows, func(a, b Row) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	return rep, nil
}

// rowOf turns a record into a report row, or reports that it is not part of the report.
func rowOf(r *Record, o Options, m *matcher) (Row, bool) {
	if !r.IsS3DataEvent() || !o.Window.Contains(r.EventTime) {
		return Row{}, false
	}
	bucket, key := r.BucketAndKey()
	if len(o.Buckets) > 0 && !slices.Contains(o.Buckets, bucket) {
		return Row{}, false
	}
	row := Row{Time: r.EventTime.UTC(), Principal: r.Principal(), Action: r.EventName, Bucket: bucket, EventID: r.EventID}
	switch {
	case key == "":
	case o.ShowKeys:
		row.Object = key
	default:
		row.Object = "sha256:" + phi.KeyHash(key)
	}
	row.From = r.SourceIPAddress
	if r.VPCEndpointID != "" {
		row.From = r.VPCEndpointID
	}
	switch {
	case r.ErrorCode == "":
		row.Result = "allowed"
	case IsDenied(r.ErrorCode):
		row.Result = "denied (" + r.ErrorCode + ")"
		row.Anomalies = append(row.Anomalies, Denied)
	default:
		row.Result = "failed (" + r.ErrorCode + ")"
	}
	if o.VPCEndpoint != "" && r.VPCEndpointID != o.VPCEndpoint {
		row.Anomalies = append(row.Anomalies, OutsideEndpoint)
	}
	if m != nil && !m.any(r.PrincipalARNs()) {
		row.Anomalies = append(row.Anomalies, UnknownPrincipal)
	}
	return row, true
}

// matcher matches principal ARNs against known ARNs and patterns.
type matcher struct {
	patterns []*regexp.Regexp
}

// newMatcher compiles the patterns: * matches any run of characters (slashes included, as in IAM), ?
// one character, everything else itself. It returns nil for no patterns.
func newMatcher(patterns []string) (*matcher, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	m := &matcher{}
	for _, p := range patterns {
		var b strings.Builder
		b.WriteString("^")
		for _, r := range p {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString("$")
		re, err := regexp.Compile(b.String())
		if err != nil {
			return nil, fmt.Errorf("--known-principals %q: %w", p, err)
		}
		m.patterns = append(m.patterns, re)
	}
	return m, nil
}

func (m *matcher) any(arns []string) bool {
	for _, a := range arns {
		for _, re := range m.patterns {
			if re.MatchString(a) {
				return true
			}
		}
	}
	return false
}
