package closeout_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sce-project/sce/internal/closeout"
	"github.com/sce-project/sce/internal/motoserver"
	"github.com/sce-project/sce/internal/plan"
	"github.com/sce-project/sce/internal/stack"
)

// moto is the emulator of this package's *_moto_test.go tests (nil without moto_server: they skip).
var moto *motoserver.Server

func TestMain(m *testing.M) { os.Exit(motoserver.Main(m, &moto)) }

// region is the hipaa stack's.
const region = "us-west-2"

// afterDestroy is an account in the emulator as `pulumi destroy` of a stack leaves it: what the
// close-out keeps, under its deployed names and tagged with the PIT as the provider's default tags do,
// and one thing the destroy forgot.
type afterDestroy struct {
	srv      *motoserver.Server
	env      []string
	pit      string
	outputs  map[string]string
	arns     []string // of everything kept that the tagging API lists
	leftover string   // the ARN of what should have been deleted
}

// cliRun runs a shell script with the AWS CLI pointed at the emulator, in dir, and returns its output.
func (a *afterDestroy) cliRun(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Env = a.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s\nstderr: %s", script, stderr.String())
	return stdout.String()
}

// deploy creates what the report keeps, as the deployed stack named it.
func deploy(t *testing.T, srv *motoserver.Server, rep closeout.Report) *afterDestroy {
	t.Helper()
	motoserver.NeedProgram(t, "aws", "pip install awscli")
	a := &afterDestroy{srv: srv, env: append(srv.Env(t), "AWS_DEFAULT_REGION="+region, "AWS_DEFAULT_OUTPUT=json", "AWS_PAGER="), pit: rep.PIT,
		outputs: map[string]string{"pit": rep.PIT}}
	ctx := context.Background()
	cfg := srv.Config()
	cfg.Region = region
	tag := s3types.Tag{Key: aws.String("Project"), Value: aws.String(rep.PIT)}
	client := motoserver.S3(cfg)
	for output, purpose := range map[string]string{"dataInBucket": "data-in", "outputBucket": "output", "logBucket": "logs", "accessLogBucket": "access-logs", "ancillaryBucket": "ancillary"} {
		name := srv.Name(rep.PIT + "-" + purpose)
		a.outputs[output] = name
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}})
		require.NoError(t, err)
		_, err = client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		_, err = client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{tag}}})
		require.NoError(t, err)
		a.arns = append(a.arns, "arn:aws:s3:::"+name)
	}
	key, err := kms.NewFromConfig(cfg).CreateKey(ctx, &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("Project"), TagValue: aws.String(rep.PIT)}}})
	require.NoError(t, err)
	a.outputs["kmsKeyArn"] = aws.ToString(key.KeyMetadata.Arn)
	a.arns = append(a.arns, aws.ToString(key.KeyMetadata.Arn))

	db := dynamodb.NewFromConfig(cfg)
	for _, r := range rep.Kept {
		switch r.Type {
		case "aws:dynamodb/table:Table":
			a.outputs["ledgerTable"] = r.ID // a fixed name: <pit>-upload-ledger
			table, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(r.ID), BillingMode: dbtypes.BillingModePayPerRequest,
				KeySchema:            []dbtypes.KeySchemaElement{{AttributeName: aws.String("object"), KeyType: dbtypes.KeyTypeHash}, {AttributeName: aws.String("version"), KeyType: dbtypes.KeyTypeRange}},
				AttributeDefinitions: []dbtypes.AttributeDefinition{{AttributeName: aws.String("object"), AttributeType: dbtypes.ScalarAttributeTypeS}, {AttributeName: aws.String("version"), AttributeType: dbtypes.ScalarAttributeTypeS}},
				Tags:                 []dbtypes.Tag{{Key: aws.String("Project"), Value: aws.String(rep.PIT)}}})
			require.NoError(t, err)
			_, err = db.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String(r.ID),
				PointInTimeRecoverySpecification: &dbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
			require.NoError(t, err)
			_, err = db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(r.ID), Item: map[string]dbtypes.AttributeValue{
				"object": &dbtypes.AttributeValueMemberS{Value: a.outputs["dataInBucket"] + "/incoming/labs.csv"}, "version": &dbtypes.AttributeValueMemberS{Value: "v1"}}})
			require.NoError(t, err)
			a.arns = append(a.arns, aws.ToString(table.TableDescription.TableArn))
		case "aws:cloudwatch/logGroup:LogGroup":
			a.cliRun(t, t.TempDir(), "aws logs create-log-group --log-group-name "+r.ID+" --tags Project="+rep.PIT)
			a.arns = append(a.arns, "arn:aws:logs:"+region+":"+srv.Account+":log-group:"+r.ID)
		case "aws:backup/vault:Vault":
			out := a.cliRun(t, t.TempDir(), "aws backup create-backup-vault --backup-vault-name "+r.ID+" --backup-vault-tags Project="+rep.PIT+" --query BackupVaultArn --output text")
			a.arns = append(a.arns, strings.TrimSpace(out))
		}
	}
	a.leftover = strings.TrimSpace(a.cliRun(t, t.TempDir(), "aws sns create-topic --name "+rep.PIT+"-alarms --tags Key=Project,Value="+rep.PIT+" --query TopicArn --output text"))
	return a
}

// step returns the script of step n of the procedure: the lines after its heading, to the blank line.
func step(t *testing.T, text string, n int) string {
	t.Helper()
	heading := regexp.MustCompile(`(?m)^` + strconv.Itoa(n) + `\. .*$`)
	loc := heading.FindStringIndex(text)
	require.NotNil(t, loc, "no step %d in:\n%s", n, text)
	rest := text[loc[1]+1:]
	if end := strings.Index(rest, "\n\n"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// kept returns the "TYPE NAME (ID)" lines of what the report says is kept.
func kept(t *testing.T, text string) map[string][]string {
	t.Helper()
	ids := map[string][]string{}
	line := regexp.MustCompile(`^  (\S+) \S+ \((.+)\)$`)
	sc := bufio.NewScanner(strings.NewReader(text[strings.Index(text, "Kept after"):strings.Index(text, "\nDeleted")]))
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			ids[m[1]] = append(ids[m[1]], m[2])
		}
	}
	return ids
}

// TestEmulatorTheCloseOutOfADeployedStackNamesWhatRemainsAndItsCommandsRun: with the deployed stack's
// outputs, the close-out lists the kept resources by the names they have in AWS, and its commands (the
// ledger's export, the import file kept in the log bucket, the check of what remains) run as printed.
func TestEmulatorTheCloseOutOfADeployedStackNamesWhatRemainsAndItsCommandsRun(t *testing.T) {
	srv := moto.Need(t)
	sf, err := plan.ReadStackFile(filepath.Join("..", "..", "Pulumi.hipaa.yaml"))
	require.NoError(t, err)
	pit := "co" + strings.TrimPrefix(srv.Name("x"), "x-") // a PIT of this test's own: the names derived from it are too
	sf.Config["sce:pit"] = pit
	p, err := plan.Run(plan.Options{Stack: pit, Config: sf.Config}, stack.Run)
	require.NoError(t, err)
	rep := closeout.Analyze(p, closeout.Options{})
	require.Empty(t, rep.Problems)
	a := deploy(t, srv, rep)
	rep.UseDeployedNames(a.outputs)
	var out bytes.Buffer
	require.NoError(t, closeout.Write(&out, rep, region))
	text := out.String()

	ids := kept(t, text)
	buckets := map[string]bool{}
	for _, id := range ids["aws:s3/bucketV2:BucketV2"] {
		buckets[id] = true
	}
	assert.Equal(t, map[string]bool{a.outputs["dataInBucket"]: true, a.outputs["outputBucket"]: true, a.outputs["logBucket"]: true, a.outputs["accessLogBucket"]: true,
		a.outputs["ancillaryBucket"]: true}, buckets, "the kept buckets (the hipaa stack keeps its ancillary bucket) are listed by their deployed names")
	for typ, list := range ids {
		if strings.HasPrefix(typ, "aws:s3/bucket") {
			for _, id := range list {
				assert.True(t, buckets[id], "%s is listed on %s, a bucket that is not the stack's", typ, id)
			}
		}
	}
	assert.Equal(t, []string{a.outputs["kmsKeyArn"][strings.LastIndex(a.outputs["kmsKeyArn"], "/")+1:]}, ids["aws:kms/key:Key"], "the key by its deployed id")
	assert.Equal(t, []string{a.outputs["ledgerTable"]}, ids["aws:dynamodb/table:Table"])

	dir := t.TempDir()
	a.cliRun(t, dir, step(t, text, 2))
	exported := a.cliRun(t, dir, "aws s3api list-objects-v2 --bucket "+a.outputs["logBucket"]+" --prefix ledger/ --query 'Contents[].Key'")
	assert.Contains(t, exported, "/AWSDynamoDB/", "the ledger was exported into the log bucket")

	a.cliRun(t, dir, step(t, text, 4))
	kept := a.cliRun(t, dir, "aws s3 cp s3://"+a.outputs["logBucket"]+"/closeout/"+pit+"-redeploy-import.json -")
	var imports struct {
		Resources []struct{ Type, ID string }
	}
	require.NoError(t, json.Unmarshal([]byte(kept), &imports), "the import file kept in the log bucket")
	assert.NotEmpty(t, imports.Resources)

	var remaining []string
	require.NoError(t, json.Unmarshal([]byte(a.cliRun(t, dir, step(t, text, 7))), &remaining), "the check prints a JSON list of ARNs")
	want := append(append([]string(nil), a.arns...), a.leftover)
	sort.Strings(want)
	sort.Strings(remaining)
	assert.Equal(t, want, remaining, "the check lists what was kept, and what the destroy left")
}
