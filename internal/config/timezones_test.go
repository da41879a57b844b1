package config

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commercialRegions are the regions of the `aws` partition in botocore 1.43.11's data/endpoints.json.
var commercialRegions = []string{
	"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
	"eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// botocoreRegions reads the `aws` partition's regions from the botocore installed on this machine, when
// there is one, so that a region AWS adds is noticed as soon as botocore knows it.
func botocoreRegions(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		t.Logf("no botocore on this machine (%v): the table is checked against the committed list only", err)
		return nil
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "data", "endpoints.json"))
	require.NoError(t, err)
	var doc struct {
		Partitions []struct {
			Partition string                     `json:"partition"`
			Regions   map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	var regions []string
	for _, p := range doc.Partitions {
		if p.Partition == "aws" {
			for r := range p.Regions {
				regions = append(regions, r)
			}
		}
	}
	require.NotEmpty(t, regions, "botocore's endpoints.json has an aws partition")
	return regions
}

func TestEveryCommercialRegionAndEverySupportedOneHasATimeZone(t *testing.T) {
	regions := append(append(append([]string{}, commercialRegions...), Regions()...), botocoreRegions(t)...)
	for _, r := range regions {
		tz, ok := RegionTimeZone(r)
		if !assert.True(t, ok, "region %s has no time zone", r) {
			continue
		}
		_, err := time.LoadLocation(tz)
		assert.NoError(t, err, "%s: %s", r, tz)
	}
}

func TestTheWorkingHoursAreInTheRegionsTimeZoneUnlessOneIsGiven(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]string
		want string
	}{
		{"Oregon", valid(), "America/Los_Angeles"},
		{"Frankfurt", with(map[string]string{"aws:region": "eu-central-1"}), "Europe/Berlin"},
		{"Sydney", with(map[string]string{"aws:region": "ap-southeast-2"}), "Australia/Sydney"},
		{"Frankfurt, working to New York's clock", with(map[string]string{"aws:region": "eu-central-1", "sce:timeZone": "America/New_York"}), "America/New_York"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(FromMap(tt.raw))
			require.NoError(t, err)
			require.NotNil(t, c.Schedule)
			assert.Equal(t, tt.want, c.Schedule.TimeZone)
		})
	}
}
