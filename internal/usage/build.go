package usage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sce-project/sce/internal/audit"
)

// Inputs say where the logs are. The trail is required; the host and Redshift logs are read when given.
type Inputs struct {
	Trail audit.Trail
	// S3 reads a trail in S3.
	S3 audit.S3API
	// HostLogs and RedshiftLogs are local directories (or files).
	HostLogs, RedshiftLogs string
}

// Build reads the logs and builds the report. An input that cannot be listed, or holds no log file, is
// an error; a log file that cannot be read is an input error of the report (Report.InputErrors), whose
// rest is still built.
func Build(ctx context.Context, in Inputs, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	rep := &Report{Options: o}
	g := newAggregator()
	if err := readTrail(ctx, in, o, g, rep); err != nil {
		return nil, err
	}
	if in.HostLogs != "" {
		inputs, err := readHostLogs(in.HostLogs, o, g)
		if err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, inputs...)
	}
	if in.RedshiftLogs != "" {
		inputs, err := readRedshiftLogs(in.RedshiftLogs, o, g, rep)
		if err != nil {
			return nil, err
		}
		rep.Inputs = append(rep.Inputs, inputs...)
	}
	g.finish(rep)
	slices.SortStableFunc(rep.Inputs, func(a, b InputFile) int {
		return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), strings.Compare(a.Name, b.Name))
	})
	return rep, nil
}

// readTrail reads the CloudTrail log files that may hold events of the window.
func readTrail(ctx context.Context, in Inputs, o Options, g *aggregator, rep *Report) error {
	visit := func(f audit.LogFile) {
		file := InputFile{Kind: KindCloudTrail, Name: f.Name, SHA256: f.SHA256, Size: f.Size, Format: "cloudtrail-json", Records: len(f.Records)}
		for i := range f.Records {
			u, ok := s3Use(&f.Records[i], o)
			if !ok || !o.wantResearcher(u.who) || !o.wantDataset(u.dataset) {
				continue
			}
			g.add(u)
			file.Used++
		}
		rep.Inputs = append(rep.Inputs, file)
	}
	files, bad, err := audit.Read(ctx, in.Trail, in.S3, o.Window, visit)
	if err != nil {
		return fmt.Errorf("--trail %s: %w", in.Trail, err)
	}
	if files == 0 && len(bad) == 0 {
		return fmt.Errorf("--trail %s holds no CloudTrail log file that may hold events of the window: an empty input is not an empty report", in.Trail)
	}
	for _, b := range bad {
		msg := b.Err.Error()
		if strings.HasPrefix(msg, "parse:") || strings.HasPrefix(msg, "gunzip:") {
			msg = "not a CloudTrail log file (truncated, not gzip or not JSON): " + msg
		}
		rep.Inputs = append(rep.Inputs, InputFile{Kind: KindCloudTrail, Name: b.Name, SHA256: b.SHA256, Size: b.Size, Format: "cloudtrail-json", Error: msg})
	}
	return nil
}

// kindRank orders the inputs: the trail, the host logs, the Redshift logs.
func kindRank(kind string) int {
	return slices.Index([]string{KindCloudTrail, KindAuditd, KindRedshift}, kind)
}
