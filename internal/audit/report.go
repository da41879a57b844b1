package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
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

	// Concurrency is how many S3 requests run at once (default DefaultConcurrency).
	Concurrency int
	// Progress, when set, receives a progress line while an S3 trail is read (the CLI gives its stderr
	// when that is a terminal).
	Progress io.Writer
	// Now is the time of the report, the end of a window without one; zero means time.Now().
	Now time.Time
}

var vpcEndpointRE = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)

// Validate reports options that cannot be right, naming the flag.
func (o Options) Validate() error {
	var errs []error
	if err := o.Window.Check(); err != nil {
		errs = append(errs, err)
	}
	if o.Concurrency < 0 {
		errs = append(errs, fmt.Errorf("concurrency %d: want 0 (the default, %d) or more", o.Concurrency, DefaultConcurrency))
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
	// Digests counts the trail's digest files covering the window: with no log file, they show that
	// CloudTrail was logging and had nothing to deliver.
	Digests int
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
		records := f.Records
		for i := range records {
			rep.Records++
			if row, ok := rowOf(&records[i], o, m); ok {
				rep.Rows = append(rep.Rows, row)
			} else {
				rep.Skipped++
			}
		}
	}
	var sc scan
	if t.Bucket != "" {
		if client == nil {
			return nil, errors.New("an S3 trail needs an S3 client")
		}
		now, limit := o.Now, o.Concurrency
		if now.IsZero() {
			now = time.Now()
		}
		if limit == 0 {
			limit = DefaultConcurrency
		}
		sc, err = readS3(ctx, s3Trail{client: client, bucket: t.Bucket, prefix: t.Prefix, window: o.Window, now: now,
			limit: limit, progress: newProgress(o.Progress)}, visit)
	} else {
		sc, err = readDir(t.Dir, o.Window, visit)
	}
	if err != nil {
		return nil, err
	}
	if err := sc.empty(t, o.Window); err != nil {
		return nil, err
	}
	rep.Files, rep.Problems, rep.Digests = sc.files, sc.problems, sc.digests
	slices.SortStableFunc(rep.Rows, func(a, b Row) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	return rep, nil
}

// ErrNoLogFiles is wrapped by Build's error when the trail holds no CloudTrail log file to report on:
// an empty directory or prefix, a path that is not a trail (such as /etc), or a window in which CloudTrail
// delivered nothing and left no digest file either. A report of zero events would look like a clean one.
var ErrNoLogFiles = errors.New("no CloudTrail log files")

// empty reports a scan that read no log file and had none to read, which is an error unless digest files
// show the trail was logging through a quiet window. A scan whose files were all unreadable is not
// empty: its problems are reported.
func (sc scan) empty(t Trail, w Window) error {
	if sc.files > 0 || len(sc.problems) > 0 || sc.digests > 0 {
		return nil
	}
	layout := "<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<id>.json.gz, under AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/"
	if !sc.anyLog {
		return fmt.Errorf("%w under %s (want %s): is it the trail's bucket and prefix, or a copy of them?", ErrNoLogFiles, t, layout)
	}
	return fmt.Errorf("%w under %s for %s, and no digest file either: CloudTrail delivered nothing for that time (was it logging? aws cloudtrail get-trail-status), or the files are elsewhere",
		ErrNoLogFiles, t, w.Describe())
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
