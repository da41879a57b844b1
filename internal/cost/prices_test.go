package cost_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/cost"
)

func TestEveryPriceHasARegionADateAndAnAWSSource(t *testing.T) {
	table := cost.PriceTable()
	require.NotEmpty(t, table)
	seen := map[string]bool{}
	for _, p := range table {
		t.Run(p.Key, func(t *testing.T) {
			assert.NotEmpty(t, p.Key)
			assert.False(t, seen[p.Key], "key %s appears once", p.Key)
			seen[p.Key] = true
			assert.NotEmpty(t, p.What)
			assert.NotEmpty(t, p.Unit)
			assert.Equal(t, "us-west-2", p.Region)
			_, err := time.Parse("2006-01-02", p.Date)
			assert.NoError(t, err, "date %q is YYYY-MM-DD", p.Date)
			assert.True(t, strings.HasPrefix(p.Source, "https://aws.amazon.com/") ||
				strings.HasPrefix(p.Source, "https://pricing.us-east-1.amazonaws.com/"),
				"source %q is an AWS pricing page or offer file", p.Source)
			if p.NotFound {
				assert.Zero(t, p.USD, "a price not found has no number")
				assert.True(t, strings.HasPrefix(p.Note, "not found"), "a price not found says so: %q", p.Note)
			} else {
				assert.Positive(t, p.USD)
			}
		})
	}
}

func TestThePriceTableCoversWhatTheDesignUses(t *testing.T) {
	found := map[string]bool{}
	listed := map[string]bool{}
	for _, p := range cost.PriceTable() {
		listed[p.Key] = true
		found[p.Key] = !p.NotFound
	}
	for _, key := range []string{
		"ec2.m5.large", "ec2.m5.xlarge", "ec2.m5.2xlarge", "ec2.m5.4xlarge", "ec2.r5.2xlarge",
		"ec2.m6i.large", "ec2.m7i.large", "ec2.c5.large", "ec2.c6i.large", "ec2.r6i.large",
		"ec2.dedicated-region-fee", "vpc.nat-gateway-hour", "vpc.nat-gateway-gb", "vpc.public-ipv4-hour",
		"ebs.gp3-gb-month", "kms.key-month", "kms.requests-10k", "logs.ingest-gb", "logs.storage-gb-month",
		"cloudwatch.alarm-month", "config.item", "config.rule-evaluation", "cloudtrail.data-events-100k",
		"redshift.ra3.xlplus", "redshift.ra3.4xlarge", "redshift.dc2.large", "redshift.managed-storage-gb-month",
		"secretsmanager.secret-month", "s3.standard-gb-month",
	} {
		assert.True(t, found[key], "the table has a found price for %s", key)
	}
	for _, typ := range []string{"m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge", "r5.2xlarge"} {
		assert.True(t, listed["ec2.dedicated."+typ], "the table says whether the dedicated rate of %s was found", typ)
	}
}

func TestThePriceTableIsAFreshCopyOnEachCall(t *testing.T) {
	first := cost.PriceTable()
	first[0].USD = 1e9
	assert.NotEqual(t, 1e9, cost.PriceTable()[0].USD)
}
