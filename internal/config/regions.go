package config

import (
	"slices"
	"sort"
	"strings"
)

// regionZones lists, for each AWS region that offers dedicated instances, the letters of its availability
// zones as AWS names them. The first letter is the default zone. Zone letters are mapped per account, and a
// few older accounts see fewer zones; a zone listed here that an account lacks fails at deploy time with
// AWS's own error.
func regionZones() map[string]string {
	return map[string]string{
		"us-east-1":      "abcdef",
		"us-east-2":      "abc",
		"us-west-1":      "abc",
		"us-west-2":      "abcd",
		"ca-central-1":   "abd",
		"ca-west-1":      "abc",
		"eu-west-1":      "abc",
		"eu-west-2":      "abc",
		"eu-west-3":      "abc",
		"eu-central-1":   "abc",
		"eu-central-2":   "abc",
		"eu-north-1":     "abc",
		"eu-south-1":     "abc",
		"eu-south-2":     "abc",
		"ap-east-1":      "abc",
		"ap-south-1":     "abc",
		"ap-south-2":     "abc",
		"ap-northeast-1": "acd",
		"ap-northeast-2": "abcd",
		"ap-northeast-3": "abc",
		"ap-southeast-1": "abc",
		"ap-southeast-2": "abc",
		"ap-southeast-3": "abc",
		"ap-southeast-4": "abc",
		"sa-east-1":      "abc",
		"me-south-1":     "abc",
		"me-central-1":   "abc",
		"il-central-1":   "abc",
		"af-south-1":     "abc",
		"us-gov-west-1":  "abc",
		"us-gov-east-1":  "abc",
	}
}

// Regions returns the supported region names, sorted.
func Regions() []string {
	zones := regionZones()
	names := make([]string, 0, len(zones))
	for name := range zones {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Zones returns the availability zones of a region, first the default, and whether the region is known.
func Zones(region string) ([]string, bool) {
	letters, ok := regionZones()[region]
	if !ok {
		return nil, false
	}
	zones := make([]string, 0, len(letters))
	for _, l := range letters {
		zones = append(zones, region+string(l))
	}
	return zones, true
}

// Partition returns the AWS partition a region belongs to ("aws" or "aws-us-gov").
func Partition(region string) string {
	if strings.HasPrefix(region, "us-gov-") {
		return "aws-us-gov"
	}
	return "aws"
}

func zoneInRegion(region, zone string) bool {
	zones, ok := Zones(region)
	return ok && slices.Contains(zones, zone)
}
