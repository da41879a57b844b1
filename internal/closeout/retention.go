package closeout

import (
	"fmt"
	"strings"
	"time"

	"github.com/sce-project/sce/internal/plan"
)

// DefaultMinimumRetentionDays is HIPAA's documentation retention, six years (45 CFR 164.316(b)(2)(i)), in
// the days CloudWatch Logs offers for it; sce:minimumRetentionDays changes it.
const DefaultMinimumRetentionDays = 2192

// Resource types whose retention or log destinations the close-out checks.
const (
	logGroupType  = "aws:cloudwatch/logGroup:LogGroup"
	bucketType    = "aws:s3/bucketV2:BucketV2"
	lifecycleType = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
)

// checkLogGroups reports every log group that keeps its events less than the minimum. A group without a
// retention (0 or unset) keeps them for ever.
func (rep *Report) checkLogGroups(p *plan.Plan) {
	for _, r := range p.Find(logGroupType) {
		if days := number(r.Inputs["retentionInDays"]); days > 0 && days < rep.MinimumRetentionDays {
			rep.Problems = append(rep.Problems, fmt.Sprintf("log group %s (%s) keeps its events %d days, less than the %d days of sce:minimumRetentionDays",
				groupName(r), r.Name, days, rep.MinimumRetentionDays))
		}
	}
}

// checkLifecycles reports every expiration, in the lifecycle of a bucket that outlives the stack, that
// deletes current objects before the minimum: after fewer days, or on a date sooner than the minimum from
// now. Expirations of noncurrent versions (what an overwrite or a deletion leaves) and transitions to
// colder storage lose nothing that is current, and are not judged.
func (rep *Report) checkLifecycles(p *plan.Plan, now time.Time) {
	kept := map[string]string{} // bucket name -> purpose
	for purpose, name := range rep.Buckets {
		if rep.keptBucket(p, name) {
			kept[name] = purpose
		}
	}
	for _, r := range p.Find(lifecycleType) {
		bucket, _ := r.Inputs["bucket"].(string)
		purpose, ok := kept[bucket]
		if !ok {
			continue
		}
		rules, _ := r.Inputs["rules"].([]any)
		for _, rule := range rules {
			m, _ := rule.(map[string]any)
			if m["status"] == "Disabled" {
				continue
			}
			exp, _ := m["expiration"].(map[string]any)
			id, _ := m["id"].(string)
			if days := number(exp["days"]); days > 0 && days < rep.MinimumRetentionDays {
				rep.Problems = append(rep.Problems, fmt.Sprintf("the %s bucket's lifecycle rule %q expires objects after %d days, less than the %d days of sce:minimumRetentionDays",
					purpose, id, days, rep.MinimumRetentionDays))
			}
			if date, ok := exp["date"].(string); ok && date != "" {
				t, err := time.Parse(time.RFC3339, date)
				if err != nil {
					t, err = time.Parse(time.DateOnly, date)
				}
				if err != nil || t.Before(now.AddDate(0, 0, rep.MinimumRetentionDays)) {
					rep.Problems = append(rep.Problems, fmt.Sprintf("the %s bucket's lifecycle rule %q expires objects on %s, sooner than the %d days of sce:minimumRetentionDays from now",
						purpose, id, date, rep.MinimumRetentionDays))
				}
			}
		}
	}
}

// keptBucket reports whether the plan retains the named bucket on delete.
func (rep *Report) keptBucket(p *plan.Plan, name string) bool {
	for _, r := range p.Find(bucketType) {
		if r.ID == name {
			return r.RetainOnDelete
		}
	}
	return false
}

// destination is where a resource writes logs: a CloudWatch Logs group or a bucket.
type destination struct {
	writer        plan.Resource
	group, bucket string
}

// logDestinations returns where the plan's resources write their logs: flow logs, trails, Lambda
// functions, Redshift's audit logging, the AWS Config delivery channel, S3 server access logging and EMR.
func logDestinations(p *plan.Plan) []destination {
	var out []destination
	str := func(r plan.Resource, key string) string { s, _ := r.Inputs[key].(string); return s }
	for _, r := range p.Resources {
		if !r.Custom {
			continue
		}
		switch r.Type {
		case "aws:ec2/flowLog:FlowLog":
			switch dest := str(r, "logDestination"); {
			case str(r, "logDestinationType") == "s3":
				out = append(out, destination{writer: r, bucket: bucketOfARN(dest)})
			case dest != "":
				out = append(out, destination{writer: r, group: groupOfARN(dest)})
			case str(r, "logGroupName") != "":
				out = append(out, destination{writer: r, group: str(r, "logGroupName")})
			}
		case "aws:cloudtrail/trail:Trail":
			if arn := str(r, "cloudWatchLogsGroupArn"); arn != "" {
				out = append(out, destination{writer: r, group: groupOfARN(arn)})
			}
			out = append(out, destination{writer: r, bucket: str(r, "s3BucketName")})
		case "aws:lambda/function:Function":
			lc, _ := r.Inputs["loggingConfig"].(map[string]any)
			group, _ := lc["logGroup"].(string)
			if group == "" {
				group = "/aws/lambda/" + r.ID // Lambda's default group, which the stack would not hold
			}
			out = append(out, destination{writer: r, group: group})
		case "aws:redshift/logging:Logging":
			if str(r, "logDestinationType") == "s3" {
				out = append(out, destination{writer: r, bucket: str(r, "bucketName")})
				continue
			}
			exports, _ := r.Inputs["logExports"].([]any)
			for _, e := range exports {
				out = append(out, destination{writer: r, group: fmt.Sprintf("/aws/redshift/cluster/%s/%v", str(r, "clusterIdentifier"), e)})
			}
		case "aws:cfg/deliveryChannel:DeliveryChannel":
			out = append(out, destination{writer: r, bucket: str(r, "s3BucketName")})
		case "aws:s3/bucketLoggingV2:BucketLoggingV2":
			out = append(out, destination{writer: r, bucket: str(r, "targetBucket")})
		case "aws:emr/cluster:Cluster":
			if uri := str(r, "logUri"); uri != "" {
				out = append(out, destination{writer: r, bucket: strings.SplitN(strings.TrimPrefix(uri, "s3://"), "/", 2)[0]})
			}
		}
	}
	return out
}

// checkDestinations reports every log destination that is not a log group or a bucket the stack keeps:
// its retention cannot be checked here, or it goes with the stack.
func (rep *Report) checkDestinations(p *plan.Plan) {
	groups := map[string]bool{}
	for _, r := range p.Find(logGroupType) {
		groups[groupName(r)] = true
	}
	for _, d := range logDestinations(p) {
		switch {
		case d.group != "" && !groups[d.group]:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s %s writes its logs to the log group %s, which the stack does not create: its retention cannot be checked, and close-out cannot keep it",
				d.writer.Type, d.writer.Name, d.group))
		case d.group == "" && !rep.keptBucket(p, d.bucket):
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s %s writes its logs to the bucket %q, which is not a bucket the stack keeps after close-out",
				d.writer.Type, d.writer.Name, d.bucket))
		}
	}
}

// groupName is a log group's name (its name input, else its id, which the mock and AWS make the name).
func groupName(r plan.Resource) string {
	if n, ok := r.Inputs["name"].(string); ok && n != "" {
		return n
	}
	return r.ID
}

// groupOfARN returns the group name of a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]).
func groupOfARN(arn string) string {
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return arn
	}
	return strings.TrimSuffix(rest, ":*")
}

// bucketOfARN returns the bucket of an S3 ARN (arn:aws:s3:::BUCKET[/PREFIX]).
func bucketOfARN(arn string) string {
	_, rest, ok := strings.Cut(arn, ":::")
	if !ok {
		return arn
	}
	return strings.SplitN(rest, "/", 2)[0]
}

// number reads a whole number from a plan value: JSON numbers arrive as float64, the mock's as int or
// int64.
func number(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	}
	return 0
}
