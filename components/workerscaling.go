package components

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// WorkerStep is one step of the pool's scaling: from Backlog messages in the queue (visible and in
// flight), run Workers workers.
type WorkerStep struct {
	Backlog, Workers int
}

// WorkerSteps returns the scaling steps for a pool of at most maxWorkers workers: one worker per message
// up to maxWorkers, in at most 20 steps (Auto Scaling's limit), so a pool larger than 20 grows in even
// strides.
func WorkerSteps(maxWorkers int) []WorkerStep {
	n := min(maxWorkers, maxStepAdjustments)
	steps := make([]WorkerStep, 0, n)
	prev := 0
	for j := 1; j <= n; j++ {
		workers := (j*maxWorkers + n - 1) / n // ceil(j*maxWorkers/n)
		steps = append(steps, WorkerStep{Backlog: prev + 1, Workers: workers})
		prev = workers
	}
	return steps
}

// stepAdjustments turns the steps into Auto Scaling step adjustments, whose bounds are relative to the
// alarm's threshold of one message.
func stepAdjustments(steps []WorkerStep) autoscaling.PolicyStepAdjustmentArray {
	var out autoscaling.PolicyStepAdjustmentArray
	for i, s := range steps {
		adj := &autoscaling.PolicyStepAdjustmentArgs{
			MetricIntervalLowerBound: pulumi.String(strconv.Itoa(s.Backlog - 1)),
			ScalingAdjustment:        pulumi.Int(s.Workers),
		}
		if i+1 < len(steps) {
			adj.MetricIntervalUpperBound = pulumi.String(strconv.Itoa(steps[i+1].Backlog - 1))
		}
		out = append(out, adj)
	}
	return out
}

// workerScaling scales the pool on the queue's backlog, the messages waiting plus those being worked on,
// so that a busy worker counts: ExactCapacity sets one worker per message, up to the maximum. Scale-in is
// the workers' own: each leaves the group when idle. A second alarm tells the topic when the pool starts
// (ALARM) and when the last worker has stopped (OK); launch and termination failures are notified too.
func workerScaling(ctx *pulumi.Context, child func(string) string, a WorkerPoolArgs, w *WorkerPool, parent pulumi.ResourceOption) error {
	policy, err := autoscaling.NewPolicy(ctx, child("scale-out"), &autoscaling.PolicyArgs{
		AutoscalingGroupName:    w.Group.Name,
		PolicyType:              pulumi.String("StepScaling"),
		AdjustmentType:          pulumi.String("ExactCapacity"),
		MetricAggregationType:   pulumi.String("Maximum"),
		EstimatedInstanceWarmup: pulumi.Int(workerWarmupSeconds),
		StepAdjustments:         stepAdjustments(WorkerSteps(a.MaxWorkers)),
	}, parent)
	if err != nil {
		return fmt.Errorf("create worker scaling policy: %w", err)
	}
	queueMetric := func(id, metric string) *cloudwatch.MetricAlarmMetricQueryArgs {
		return &cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace: pulumi.String("AWS/SQS"), MetricName: pulumi.String(metric), Period: pulumi.Int(60), Stat: pulumi.String("Maximum"),
			Dimensions: pulumi.StringMap{"QueueName": a.QueueName},
		}}
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, child("backlog"), &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.Sprintf("Objects waiting or in work in the queue of %s: sets the worker pool to one worker per object", a.PIT),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		Threshold:          pulumi.Float64(1),
		EvaluationPeriods:  pulumi.Int(1),
		TreatMissingData:   pulumi.String("notBreaching"),
		MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{
			queueMetric("waiting", "ApproximateNumberOfMessagesVisible"),
			queueMetric("inwork", "ApproximateNumberOfMessagesNotVisible"),
			&cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("backlog"), Expression: pulumi.String("waiting + inwork"),
				Label: pulumi.String("Backlog"), ReturnData: pulumi.Bool(true)},
		},
		AlarmActions: pulumi.Array{policy.Arn},
		Tags:         pulumi.StringMap{"Name": pulumi.String(a.PIT + "-worker-backlog")},
	}, parent); err != nil {
		return fmt.Errorf("create worker backlog alarm: %w", err)
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, child("running"), &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.Sprintf("ALARM: the worker pool of %s has started; OK: its last worker has stopped", a.PIT),
		Namespace:          pulumi.String("AWS/AutoScaling"),
		MetricName:         pulumi.String("GroupInServiceInstances"),
		Dimensions:         pulumi.StringMap{"AutoScalingGroupName": w.Group.Name},
		Statistic:          pulumi.String("Maximum"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(1),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		Threshold:          pulumi.Float64(1),
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       pulumi.Array{a.TopicARN},
		OkActions:          pulumi.Array{a.TopicARN},
		Tags:               pulumi.StringMap{"Name": pulumi.String(a.PIT + "-workers-running")},
	}, parent); err != nil {
		return fmt.Errorf("create worker pool alarm: %w", err)
	}
	if _, err := autoscaling.NewNotification(ctx, child("notifications"), &autoscaling.NotificationArgs{
		GroupNames:    pulumi.StringArray{w.Group.Name},
		Notifications: pulumi.ToStringArray([]string{"autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}),
		TopicArn:      a.TopicARN,
	}, parent); err != nil {
		return fmt.Errorf("create worker pool notifications: %w", err)
	}
	return nil
}
