package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/airlock/ledger"
	"github.com/sce-project/sce/internal/closeout"
)

func TestCloseOutSaysTheAirlocksRecordsAreKeptAndListsPendingRequests(t *testing.T) {
	rep := closeout.Report{LedgerTable: "study-upload-ledger", Buckets: map[string]string{"output": "study-output-0a1b2c3d"}}
	for _, tc := range []struct {
		name string
		list pendingLister
		want []string
		not  []string
	}{
		{"offline", nil, []string{"an item of the upload ledger table study-upload-ledger", "s3://study-output-0a1b2c3d/released/<request>/",
			"deletes the release function", "not known offline; list them before the destroy with `sce airlock list --outputs outputs.json`"}, nil},
		{"with the deployed table", func(context.Context) ([]ledger.IndexEntry, error) {
			return []ledger.IndexEntry{{Version: "20261103T142501Z-9f86d081", Status: ledger.StatusPending, Approvals: 1, Files: 2, Requester: "alice"},
				{Version: "20261101T000000Z-00000001", Status: ledger.StatusReleased}}, nil
		}, []string{"Pending requests (1)", "20261103T142501Z-9f86d081  pending  1 approval(s)  2 file(s)  by alice"}, []string{"20261101T000000Z-00000001"}},
		{"none pending", func(context.Context) ([]ledger.IndexEntry, error) {
			return []ledger.IndexEntry{{Version: "20261101T000000Z-00000001", Status: ledger.StatusRejected}}, nil
		}, []string{"Pending requests: none (1 request(s) in all"}, nil},
		{"a table that cannot be read", func(context.Context) ([]ledger.IndexEntry, error) { return nil, errors.New("AccessDeniedException") },
			[]string{"could not be read (AccessDeniedException)", "sce airlock list --outputs FILE"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, writeAirlockCloseout(context.Background(), &out, rep, tc.list))
			for _, w := range tc.want {
				assert.Contains(t, out.String(), w)
			}
			for _, n := range tc.not {
				assert.NotContains(t, out.String(), n)
			}
		})
	}
}
