package audittest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"path"
	"testing"
	"time"
)

// Generate returns a synthetic trail laid out as CloudTrail lays it out: for each of days UTC days from
// start, perDay log files (one every 24h/perDay), each holding records S3 data events (the workstation
// role reading data-in through the endpoint), gzip-compressed, by their key under AWSLogs/. It is the
// load of the audit report's benchmarks.
func Generate(t testing.TB, start time.Time, days, perDay, records int) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	step := 24 * time.Hour / time.Duration(perDay)
	for d := 0; d < days; d++ {
		for f := 0; f < perDay; f++ {
			written := start.AddDate(0, 0, d).Add(time.Duration(f) * step).Add(5 * time.Minute)
			recs := make([]map[string]any, records)
			for i := range recs {
				at := written.Add(-time.Duration(records-i) * time.Second)
				recs[i] = map[string]any{
					"eventVersion": "1.10", "eventTime": at.Format(time.RFC3339), "eventSource": "s3.amazonaws.com",
					"eventName": "GetObject", "awsRegion": "us-west-2", "sourceIPAddress": "10.0.1.95",
					"userIdentity": map[string]any{"type": "AssumedRole", "arn": "arn:aws:sts::" + Account + ":assumed-role/hipaa-workstation-role/i-0123456789abcdef0",
						"sessionContext": map[string]any{"sessionIssuer": map[string]any{"type": "Role", "arn": WorkstationRole}}},
					"requestParameters": map[string]any{"bucketName": DataIn, "key": fmt.Sprintf("incoming/part-%06d.csv", i)},
					"eventCategory":     "Data", "managementEvent": false, "readOnly": true,
					"eventID": fmt.Sprintf("00000000-0000-4000-8000-%04d%04d%04d", d, f, i), "vpcEndpointId": Endpoint,
					"recipientAccountId": Account,
				}
			}
			data, err := json.Marshal(map[string]any{"Records": recs})
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			if _, err := zw.Write(data); err != nil {
				t.Fatalf("generate: %v", err)
			}
			if err := zw.Close(); err != nil {
				t.Fatalf("generate: %v", err)
			}
			name := fmt.Sprintf("%s_CloudTrail_us-west-2_%s_%08x.json.gz", Account, written.Format("20060102T1504Z"), d*perDay+f)
			out[path.Join("AWSLogs", Account, "CloudTrail", "us-west-2", written.Format("2006/01/02"), name)] = buf.Bytes()
		}
	}
	return out
}
