package components

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

func TestPatchScheduleRefusesWhatAWSRefuses(t *testing.T) {
	ids := []pulumi.StringInput{pulumi.String("i-0123")}
	tests := []struct {
		name string
		args *PatchScheduleArgs
		want string
	}{
		{"no instance", &PatchScheduleArgs{PIT: "study"}, "at least one instance id"},
		{"a rate schedule, which applyOnlyAtCronInterval does not support", &PatchScheduleArgs{PIT: "study", InstanceIDs: ids, Schedule: "rate(7 days)"},
			"is not a cron expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorContains(t, tt.args.check("p"), tt.want)
		})
	}
	assert.NoError(t, (&PatchScheduleArgs{PIT: "study", InstanceIDs: ids, Schedule: "cron(0 4 ? * SAT *)"}).check("p"))
	assert.NoError(t, (&PatchScheduleArgs{PIT: "study", InstanceIDs: ids}).check("p"), "the default schedule")
}
