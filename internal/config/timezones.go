package config

// regionTimeZones gives, for every commercial AWS region (the `aws` partition of botocore's endpoints
// data, data/endpoints.json, read 2026-12-03) and the GovCloud regions, the IANA time zone of the city
// the region is named after: the default of sce:timeZone, so that the working hours of a stack in
// Frankfurt are Frankfurt's.
func regionTimeZones() map[string]string {
	return map[string]string{
		"af-south-1":     "Africa/Johannesburg", // Cape Town
		"ap-east-1":      "Asia/Hong_Kong",
		"ap-east-2":      "Asia/Taipei",
		"ap-northeast-1": "Asia/Tokyo",
		"ap-northeast-2": "Asia/Seoul",
		"ap-northeast-3": "Asia/Tokyo", // Osaka
		"ap-south-1":     "Asia/Kolkata",
		"ap-south-2":     "Asia/Kolkata", // Hyderabad
		"ap-southeast-1": "Asia/Singapore",
		"ap-southeast-2": "Australia/Sydney",
		"ap-southeast-3": "Asia/Jakarta",
		"ap-southeast-4": "Australia/Melbourne",
		"ap-southeast-5": "Asia/Kuala_Lumpur",
		"ap-southeast-6": "Pacific/Auckland",
		"ap-southeast-7": "Asia/Bangkok",
		"ca-central-1":   "America/Toronto",  // Montreal
		"ca-west-1":      "America/Edmonton", // Calgary
		"eu-central-1":   "Europe/Berlin",    // Frankfurt
		"eu-central-2":   "Europe/Zurich",
		"eu-north-1":     "Europe/Stockholm",
		"eu-south-1":     "Europe/Rome", // Milan
		"eu-south-2":     "Europe/Madrid",
		"eu-west-1":      "Europe/Dublin",
		"eu-west-2":      "Europe/London",
		"eu-west-3":      "Europe/Paris",
		"il-central-1":   "Asia/Jerusalem", // Tel Aviv
		"me-central-1":   "Asia/Dubai",
		"me-south-1":     "Asia/Bahrain",
		"mx-central-1":   "America/Mexico_City", // Querétaro
		"sa-east-1":      "America/Sao_Paulo",
		"us-east-1":      "America/New_York",
		"us-east-2":      "America/New_York", // Ohio
		"us-west-1":      "America/Los_Angeles",
		"us-west-2":      "America/Los_Angeles", // Oregon
		"us-gov-east-1":  "America/New_York",
		"us-gov-west-1":  "America/Los_Angeles",
	}
}

// RegionTimeZone returns the IANA time zone of a region, and whether the region is in the table.
func RegionTimeZone(region string) (string, bool) {
	tz, ok := regionTimeZones()[region]
	return tz, ok
}
