package cost

// This file is the price table: every unit price the estimate uses, each with its region, the date it
// was read and its source. To update a price, change its USD, Date and, if it moved, Source; the tests
// check that every entry keeps a region, a date and an AWS source address.
//
// How the prices were found (read 2026-11-28): the AWS pricing pages named in Source, as held in stored
// copies of public pages and code, cross-checked against independent cost tools that quote the same
// page. Most services charge the same in US West (Oregon) as in US East (N. Virginia); where the copy
// found quoted N. Virginia only, the note says so. Prices are on-demand list prices in USD, without tax,
// free tier or discounts (Savings Plans, Reserved Instances).

// PricesDate is the date the prices of the table were read.
const PricesDate = "2026-11-28"

// PricesRegion is the region every price of the table is for. Other regions are priced as this one,
// with a note on each item.
const PricesRegion = "us-west-2"

// Source addresses of the AWS pricing pages.
const (
	srcEC2OnDemand     = "https://aws.amazon.com/ec2/pricing/on-demand/"
	srcEC2Dedicated    = "https://aws.amazon.com/ec2/pricing/dedicated-instances/"
	srcVPC             = "https://aws.amazon.com/vpc/pricing/"
	srcEBS             = "https://aws.amazon.com/ebs/pricing/"
	srcKMS             = "https://aws.amazon.com/kms/pricing/"
	srcCloudWatch      = "https://aws.amazon.com/cloudwatch/pricing/"
	srcConfig          = "https://aws.amazon.com/config/pricing/"
	srcCloudTrail      = "https://aws.amazon.com/cloudtrail/pricing/"
	srcRedshift        = "https://aws.amazon.com/redshift/pricing/"
	srcSecretsManager  = "https://aws.amazon.com/secrets-manager/pricing/"
	srcS3              = "https://aws.amazon.com/s3/pricing/"
	srcGuardDuty       = "https://aws.amazon.com/guardduty/pricing/"
	noteNVirginiaQuote = "the copies found quote US East (N. Virginia); US West (Oregon) lists the same rate"
)

// Price is one published unit price.
type Price struct {
	// Key names the price for the estimate: "ec2.m5.large", "vpc.nat-gateway-hour", ...
	Key string
	// What the price is for, in words.
	What string
	// Unit is what one USD amount buys: "hour", "GB-month", "100,000 events", ...
	Unit string
	// USD is the price of one Unit. Zero when NotFound.
	USD float64
	// Region is the AWS region the price is for.
	Region string
	// Date is the day the price was read, YYYY-MM-DD.
	Date string
	// Source is the AWS pricing page (or Price List API offer file) that publishes the price.
	Source string
	// NotFound marks a price that was looked for and not found: the table says so rather than guess.
	NotFound bool
	// Note says how the price applies, what it leaves out, or how it was found.
	Note string
}

// ec2Default is the default-tenancy (shared) on-demand Linux rate of an instance type.
func ec2Default(instanceType string, usd float64, note string) Price {
	return Price{
		Key: "ec2." + instanceType, What: instanceType + " on-demand Linux, default (shared) tenancy", Unit: "hour",
		USD: usd, Region: PricesRegion, Date: PricesDate, Source: srcEC2OnDemand, Note: note,
	}
}

// ec2DedicatedMissing records that the dedicated-instance rate of an instance type was looked for and
// not found.
func ec2DedicatedMissing(instanceType string) Price {
	return Price{
		Key: "ec2.dedicated." + instanceType, What: instanceType + " on-demand Linux, dedicated instance", Unit: "hour",
		Region: PricesRegion, Date: PricesDate, Source: srcEC2Dedicated, NotFound: true,
		Note: "not found: no stored copy of the AWS dedicated-instances pricing page or price list gave this rate; " +
			"the estimate uses the default-tenancy rate as a lower bound",
	}
}

// PriceTable returns every price the estimate uses. It builds a new slice on each call: callers may keep
// or change it freely.
func PriceTable() []Price {
	ec2Note := "corroborated by several cost tools quoting the AWS rates: US West (Oregon) for m5.large, m5.xlarge, " +
		"m5.2xlarge and c5.large, US East (N. Virginia) for the others, the two regions' rates being equal"
	table := []Price{
		{
			Key: "ec2.dedicated-region-fee", What: "EC2 dedicated per-region fee", Unit: "hour", USD: 2.00,
			Region: PricesRegion, Date: PricesDate, Source: srcEC2Dedicated,
			Note: "charged once for every hour in which at least one dedicated instance of any type runs in the " +
				"region, however many run; quoted in the AWS provider documentation of a VPC's instance_tenancy " +
				"(\"a dedicated per region fee of $2 per hour\")",
		},
	}
	for _, it := range []struct {
		name string
		usd  float64
	}{
		{"m5.large", 0.096}, {"m5.xlarge", 0.192}, {"m5.2xlarge", 0.384}, {"m5.4xlarge", 0.768},
		{"m6i.large", 0.096}, {"m6i.xlarge", 0.192}, {"m6i.2xlarge", 0.384}, {"m6i.4xlarge", 0.768},
		{"m7i.large", 0.1008}, {"m7i.xlarge", 0.2016}, {"m7i.2xlarge", 0.4032}, {"m7i.4xlarge", 0.8064},
		{"c5.large", 0.085}, {"c5.xlarge", 0.17}, {"c5.2xlarge", 0.34}, {"c5.4xlarge", 0.68},
		{"c6i.large", 0.085}, {"c6i.xlarge", 0.17}, {"c6i.2xlarge", 0.34}, {"c6i.4xlarge", 0.68},
		{"r5.large", 0.126}, {"r5.xlarge", 0.252}, {"r5.2xlarge", 0.504}, {"r5.4xlarge", 1.008},
		{"r6i.large", 0.126}, {"r6i.xlarge", 0.252}, {"r6i.2xlarge", 0.504}, {"r6i.4xlarge", 1.008},
	} {
		table = append(table, ec2Default(it.name, it.usd, ec2Note), ec2DedicatedMissing(it.name))
	}
	table = append(table,
		Price{
			Key: "cloudwatch.detailed-monitoring-metric", What: "CloudWatch metric (EC2 detailed monitoring)", Unit: "metric-month",
			USD: 0.30, Region: PricesRegion, Date: PricesDate, Source: srcCloudWatch,
			Note: "first 10,000 metrics a month; detailed monitoring sends 7 metrics per instance, prorated by the " +
				"hours the instance reports; " + noteNVirginiaQuote,
		},
		Price{
			Key: "vpc.nat-gateway-hour", What: "NAT gateway", Unit: "hour", USD: 0.045,
			Region: PricesRegion, Date: PricesDate, Source: srcVPC,
			Note: "charged per gateway-hour while it exists; quoted for US West (Oregon) at $0.045",
		},
		Price{
			Key: "vpc.nat-gateway-gb", What: "NAT gateway data processed", Unit: "GB", USD: 0.045,
			Region: PricesRegion, Date: PricesDate, Source: srcVPC,
			Note: "every GB through the gateway, both directions, on top of internet data transfer out",
		},
		Price{
			Key: "vpc.public-ipv4-hour", What: "public IPv4 address (Elastic IP or auto-assigned)", Unit: "hour", USD: 0.005,
			Region: PricesRegion, Date: PricesDate, Source: srcVPC,
			Note: "since 2024-02-01 every public IPv4 address is charged, attached or idle",
		},
		Price{
			Key: "ebs.gp3-gb-month", What: "EBS gp3 volume storage", Unit: "GB-month", USD: 0.08,
			Region: PricesRegion, Date: PricesDate, Source: srcEBS,
			Note: "includes 3,000 IOPS and 125 MB/s; more is charged apart (not used by this design); charged while " +
				"the volume exists, also when its instance is stopped; " + noteNVirginiaQuote,
		},
		Price{
			Key: "kms.key-month", What: "KMS customer managed key", Unit: "key-month", USD: 1.00,
			Region: PricesRegion, Date: PricesDate, Source: srcKMS,
			Note: "automatic rotation adds $1 a month for each of the first two rotated key versions; requests cost " +
				"$0.03 per 10,000 beyond 20,000 free a month (not estimated)",
		},
		Price{
			Key: "kms.requests-10k", What: "KMS requests (symmetric)", Unit: "10,000 requests", USD: 0.03,
			Region: PricesRegion, Date: PricesDate, Source: srcKMS,
			Note: "after the free tier of 20,000 requests a month; listed for reference, not estimated",
		},
		Price{
			Key: "logs.ingest-gb", What: "CloudWatch Logs ingestion (standard class)", Unit: "GB", USD: 0.50,
			Region: PricesRegion, Date: PricesDate, Source: srcCloudWatch,
			Note: "vended logs such as VPC flow logs start at the same $0.50 per GB; " + noteNVirginiaQuote,
		},
		Price{
			Key: "logs.storage-gb-month", What: "CloudWatch Logs storage (archive)", Unit: "GB-month", USD: 0.03,
			Region: PricesRegion, Date: PricesDate, Source: srcCloudWatch,
			Note: "charged on the compressed size; " + noteNVirginiaQuote,
		},
		Price{
			Key: "cloudwatch.alarm-month", What: "CloudWatch alarm, standard resolution", Unit: "alarm-month", USD: 0.10,
			Region: PricesRegion, Date: PricesDate, Source: srcCloudWatch,
			Note: noteNVirginiaQuote,
		},
		Price{
			Key: "config.item", What: "AWS Config configuration item recorded (continuous recording)", Unit: "item", USD: 0.003,
			Region: PricesRegion, Date: PricesDate, Source: srcConfig,
		},
		Price{
			Key: "config.rule-evaluation", What: "AWS Config rule evaluation", Unit: "evaluation", USD: 0.001,
			Region: PricesRegion, Date: PricesDate, Source: srcConfig,
			Note: "first 100,000 evaluations a month in the account and region; $0.0008 for the next 400,000",
		},
		Price{
			Key: "cloudtrail.data-events-100k", What: "CloudTrail data events delivered", Unit: "100,000 events", USD: 0.10,
			Region: PricesRegion, Date: PricesDate, Source: srcCloudTrail,
			Note: "every delivery of data events is charged, the first included",
		},
		Price{
			Key: "cloudtrail.management-events-100k", What: "CloudTrail management events, additional copies", Unit: "100,000 events", USD: 2.00,
			Region: PricesRegion, Date: PricesDate, Source: srcCloudTrail,
			Note: "the first copy of management events in a region is free; each further trail recording them pays this",
		},
		Price{
			Key: "redshift.ra3.xlplus", What: "Redshift ra3.xlplus node", Unit: "node-hour", USD: 1.086,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift, Note: noteNVirginiaQuote,
		},
		Price{
			Key: "redshift.ra3.4xlarge", What: "Redshift ra3.4xlarge node", Unit: "node-hour", USD: 3.26,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift, Note: noteNVirginiaQuote,
		},
		Price{
			Key: "redshift.ra3.16xlarge", What: "Redshift ra3.16xlarge node", Unit: "node-hour", USD: 13.04,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift, Note: noteNVirginiaQuote,
		},
		Price{
			Key: "redshift.dc2.large", What: "Redshift dc2.large node", Unit: "node-hour", USD: 0.25,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift,
			Note: "the pricing page's \"start small at $0.25 per hour\"",
		},
		Price{
			Key: "redshift.dc2.8xlarge", What: "Redshift dc2.8xlarge node", Unit: "node-hour", USD: 4.80,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift, Note: noteNVirginiaQuote,
		},
		Price{
			Key: "redshift.managed-storage-gb-month", What: "Redshift managed storage (RA3)", Unit: "GB-month", USD: 0.024,
			Region: PricesRegion, Date: PricesDate, Source: srcRedshift,
			Note: "charged while the cluster is paused too; " + noteNVirginiaQuote,
		},
		Price{
			Key: "secretsmanager.secret-month", What: "Secrets Manager secret", Unit: "secret-month", USD: 0.40,
			Region: PricesRegion, Date: PricesDate, Source: srcSecretsManager,
			Note: "API calls cost $0.05 per 10,000 (not estimated)",
		},
		Price{
			Key: "guardduty.malware-s3-gb", What: "GuardDuty Malware Protection for S3, data scanned", Unit: "GB", USD: 0.09,
			Region: PricesRegion, Date: PricesDate, Source: srcGuardDuty,
			Note: "the pricing page's worked example (after the 2025 price cut from $0.60); the 12-month free tier of 1 GB and " +
				"1,000 objects a month is not counted; " + noteNVirginiaQuote,
		},
		Price{
			Key: "guardduty.malware-s3-objects-1k", What: "GuardDuty Malware Protection for S3, objects evaluated", Unit: "1,000 objects", USD: 0.215,
			Region: PricesRegion, Date: PricesDate, Source: srcGuardDuty,
			Note: "every new object of the protected bucket is evaluated, scanned or not; " + noteNVirginiaQuote,
		},
		Price{
			Key: "s3.object-tags-10k-month", What: "S3 object tagging", Unit: "10,000 tags-month", USD: 0.01,
			Region: PricesRegion, Date: PricesDate, Source: srcS3,
			Note: "the scan's tag on each object stored; " + noteNVirginiaQuote,
		},
		Price{
			Key: "s3.standard-gb-month", What: "S3 Standard storage", Unit: "GB-month", USD: 0.023,
			Region: PricesRegion, Date: PricesDate, Source: srcS3,
			Note: "first 50 TB a month; requests and retrieval are charged apart (not estimated); " + noteNVirginiaQuote,
		},
	)
	return table
}

// priceBook indexes the price table by key.
type priceBook map[string]Price

// newPriceBook indexes a price table by key; a later entry with the same key replaces an earlier one.
func newPriceBook(table []Price) priceBook {
	book := make(priceBook, len(table))
	for _, p := range table {
		book[p.Key] = p
	}
	return book
}

// found returns the price of a key if the table has it and it was found.
func (b priceBook) found(key string) (Price, bool) {
	p, ok := b[key]
	if !ok || p.NotFound {
		return Price{}, false
	}
	return p, true
}
