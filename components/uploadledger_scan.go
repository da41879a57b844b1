package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ScanResultDetailType is the detail-type of the event GuardDuty Malware Protection for S3 publishes to
// the account's default event bus after each object scan ("Monitoring S3 object scans with Amazon
// EventBridge", https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html).
const ScanResultDetailType = "GuardDuty Malware Protection Object Scan Result"

// ScanResultPattern is the EventBridge pattern of the scan results of one bucket's objects.
func ScanResultPattern(bucket string) (string, error) {
	b, err := json.Marshal(map[string]any{
		"source":      []string{"aws.guardduty"},
		"detail-type": []string{ScanResultDetailType},
		"detail":      map[string]any{"s3ObjectDetails": map[string]any{"bucketName": []string{bucket}}},
	})
	if err != nil {
		return "", fmt.Errorf("encode the scan-result event pattern: %w", err)
	}
	return string(b), nil
}

// scanResultsToLedger routes the scan results of the ledger's bucket to its function: an EventBridge rule
// on the default bus, the function as its target, and the permission for EventBridge to invoke it from
// that rule only. EventBridge invokes the function asynchronously, so a failed invocation is retried by
// Lambda and then lands in the function's dead-letter queue, like a failed upload event.
func scanResultsToLedger(ctx *pulumi.Context, child func(string) string, a UploadLedgerArgs, u *UploadLedger, parent pulumi.ResourceOption) error {
	pattern := a.Bucket.Name.ApplyT(ScanResultPattern).(pulumi.StringOutput)
	rule, err := cloudwatch.NewEventRule(ctx, child("scan-results"), &cloudwatch.EventRuleArgs{
		Name:         pulumi.String(a.PIT + "-malware-scan-results"),
		Description:  pulumi.Sprintf("GuardDuty's malware scan results for the %s data-in bucket, to the upload ledger", a.PIT),
		EventPattern: pattern,
		Tags:         pulumi.StringMap{"Name": pulumi.String(a.PIT + "-malware-scan-results")},
	}, parent)
	if err != nil {
		return fmt.Errorf("create the scan-result rule: %w", err)
	}
	permission, err := lambda.NewPermission(ctx, child("events-invoke"), &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  u.Function.Name,
		Principal: pulumi.String(ServicePrincipal("events")),
		SourceArn: rule.Arn,
	}, parent)
	if err != nil {
		return fmt.Errorf("let the scan-result rule invoke the ledger function: %w", err)
	}
	if _, err := cloudwatch.NewEventTarget(ctx, child("scan-results-target"), &cloudwatch.EventTargetArgs{
		Rule:     rule.Name,
		TargetId: pulumi.String("upload-ledger"),
		Arn:      u.Function.Arn,
	}, parent, pulumi.DependsOn([]pulumi.Resource{permission})); err != nil {
		return fmt.Errorf("target the ledger function with the scan results: %w", err)
	}
	return nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
