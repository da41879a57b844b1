package components

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// atlasScript renders the Atlas host's user data.
func atlasScript(t *testing.T) string {
	t.Helper()
	s, err := RenderUserData(testAtlas(ArchX86))
	require.NoError(t, err)
	return s
}

// heredoc returns the body of the quoted here-document that starts with "<<'marker'" in a script.
func heredoc(t *testing.T, script, marker string) string {
	t.Helper()
	_, rest, ok := strings.Cut(script, "<<'"+marker+"'\n")
	require.True(t, ok, "the script writes a %s here-document", marker)
	body, _, ok := strings.Cut(rest, "\n"+marker+"\n")
	require.True(t, ok, "the %s here-document ends", marker)
	return body + "\n"
}

// composeService is the part of a docker compose service the tests read.
type composeService struct {
	Image       string            `yaml:"image"`
	EnvFile     string            `yaml:"env_file"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
}

// composeOf parses the compose file the Atlas host writes.
func composeOf(t *testing.T, script string) map[string]composeService {
	t.Helper()
	var f struct {
		Services map[string]composeService `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(heredoc(t, script, "COMPOSE")), &f))
	return f.Services
}

// envFileVars returns the variables the script writes into an env file, each with the shell value written.
func envFileVars(t *testing.T, script, path string) map[string]string {
	t.Helper()
	line := regexp.MustCompile(`(?m)^printf '([^']*)'((?: "\$[a-z_]+")+) >` + regexp.QuoteMeta(path) + `$`).FindStringSubmatch(script)
	require.NotNil(t, line, "the script writes %s with printf", path)
	names := regexp.MustCompile(`([A-Z_]+)=%s`).FindAllStringSubmatch(line[1], -1)
	values := strings.Fields(line[2])
	require.Len(t, values, len(names), "one value per variable in %s", path)
	out := map[string]string{}
	for i, n := range names {
		out[n[1]] = values[i]
	}
	return out
}

// TestWebAPIGetsEverySettingItReads: WebAPI 2.14 reads its database and Flyway settings from the
// environment (Spring Boot binds DATASOURCE_PASSWORD to datasource.password, and so on); what it is not
// given falls back to the Maven profile webapi-docker of its pom.xml: the password "PASS", the schema
// "ohdsi", the Flyway user "userWithWritesToOhdsiSchema". Every schema setting must name the schema
// Flyway creates and the source registration writes into, and CORS must admit the Atlas origin.
func TestWebAPIGetsEverySettingItReads(t *testing.T) {
	s := atlasScript(t)
	services := composeOf(t, s)
	webapi, db := services["webapi"], services["webapi-db"]
	require.Equal(t, "/var/lib/sce-webapi/webapi.env", webapi.EnvFile)
	require.Equal(t, "/var/lib/sce-webapi/db.env", db.EnvFile)
	secrets := envFileVars(t, s, webapi.EnvFile)
	dbSecrets := envFileVars(t, s, db.EnvFile)
	assert.Equal(t, map[string]string{"POSTGRES_PASSWORD": `"$webapi_db_password"`}, dbSecrets, "PostgreSQL's password")
	assert.Equal(t, map[string]string{"DATASOURCE_PASSWORD": `"$webapi_db_password"`, "FLYWAY_DATASOURCE_PASSWORD": `"$webapi_db_password"`}, secrets,
		"WebAPI's and Flyway's passwords are PostgreSQL's, and only WebAPI gets them")
	assert.Contains(t, s, "webapi_db_password=$(openssl rand -hex 24)\n", "a password made on the host")

	const schema = webAPISchema
	const url = "jdbc:postgresql://webapi-db:5432/ohdsi"
	tests := []struct{ variable, want string }{
		{"DATASOURCE_DRIVERCLASSNAME", "org.postgresql.Driver"},
		{"DATASOURCE_URL", url},
		{"DATASOURCE_USERNAME", db.Environment["POSTGRES_USER"]},
		{"DATASOURCE_OHDSI_SCHEMA", schema},
		{"SPRING_JPA_PROPERTIES_HIBERNATE_DEFAULT_SCHEMA", schema},
		{"SPRING_BATCH_REPOSITORY_TABLEPREFIX", schema + ".BATCH_"},
		{"FLYWAY_DATASOURCE_DRIVERCLASSNAME", "org.postgresql.Driver"},
		{"FLYWAY_DATASOURCE_URL", url},
		{"FLYWAY_DATASOURCE_USERNAME", db.Environment["POSTGRES_USER"]},
		{"FLYWAY_LOCATIONS", "classpath:db/migration/postgresql"},
		{"FLYWAY_SCHEMAS", schema},
		{"FLYWAY_PLACEHOLDERS_OHDSISCHEMA", schema},
		{"SECURITY_CORS_ENABLED", "true"},
		{"SECURITY_ORIGIN", "http://localhost:8081"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, webapi.Environment[tt.variable], tt.variable)
	}
	assert.Equal(t, "ohdsi", db.Environment["POSTGRES_DB"])
	assert.True(t, strings.HasSuffix(url, "/"+db.Environment["POSTGRES_DB"]), "WebAPI connects to the database PostgreSQL creates")
	for _, table := range []string{"source", "source_daimon"} {
		assert.Contains(t, s, "INSERT INTO "+schema+"."+table+" ", "the source is registered in the schema Flyway created")
	}
	assert.Equal(t, []string{"127.0.0.1:8081:8080"}, services["atlas"].Ports, "Atlas's nginx listens on 8080, published on localhost only")
	assert.Equal(t, "http://localhost:8080/WebAPI/", services["atlas"].Environment["WEBAPI_URL"], "Atlas's pages call WebAPI at the tunnelled port")
	assert.Equal(t, AtlasOrigin(AtlasPort), webapi.Environment["SECURITY_ORIGIN"], "the origin of the pages, not WebAPI's")
}

// TestAtlasBootRegistersTheSourceThenBuildsTheResultsSchema: the first boot waits, bounded, for WebAPI
// (which answers once Flyway made its tables), registers the source, then runs the results script, which
// fetches WebAPI's Redshift DDL, runs it as the read-only user and only then refreshes WebAPI's cached
// sources.
func TestAtlasBootRegistersTheSourceThenBuildsTheResultsSchema(t *testing.T) {
	s := atlasScript(t)
	steps := []string{
		"docker compose -f /var/lib/sce-webapi/docker-compose.yml up -d",
		"SCE_RETRY_SECONDS=1200 sce_retry curl --fail --silent --output /dev/null http://127.0.0.1:8080/WebAPI/info\n",
		"INSERT INTO webapi.source ",
		"INSERT INTO webapi.source_daimon ",
		"cat >/usr/local/sbin/sce-webapi-results <<'RESULTS'",
		"\n/usr/local/sbin/sce-webapi-results\n",
	}
	last := -1
	for _, step := range steps {
		i := strings.Index(s, step)
		require.GreaterOrEqual(t, i, 0, "the boot runs %q", step)
		assert.Greater(t, i, last, "%q comes after the step before it", step)
		last = i
	}
	r := heredoc(t, s, "RESULTS")
	steps = []string{
		`retry 120 10 curl --fail --silent --output /dev/null "$webapi/info"`,
		`"$webapi/ddl/results?dialect=redshift&schema=results&vocabSchema=cdm&tempSchema=results&initConceptHierarchy=true"`,
		`grep -qi 'create table' "$ddl"`,
		"aws secretsmanager get-secret-value --region us-west-2 --secret-id 'arn:aws:secretsmanager:us-west-2:111122223333:secret:study/omop/ohdsi_reader-AbCdEf'",
		"retry 60 60 apply_ddl\n",
		`retry 5 10 curl --fail --silent --output /dev/null "$webapi/source/refresh"`,
	}
	last = -1
	for _, step := range steps {
		i := strings.Index(r, step)
		require.GreaterOrEqual(t, i, 0, "the results script runs %q", step)
		assert.Greater(t, i, last, "%q comes after the step before it", step)
		last = i
	}
	assert.Contains(t, r, "host=study-omop.abc123.us-west-2.redshift.amazonaws.com port=5439 dbname=omop sslmode=verify-full sslrootcert=/etc/sce-ca.crt",
		"TLS to Redshift, the server's name verified")
	assert.Contains(t, r, "-e PGUSER -e PGPASSWORD ", "the credentials reach psql through the environment, never the command line")
	assert.Contains(t, r, " docker.io/library/postgres:16.4 \\\n    psql ", "psql from the pinned PostgreSQL image")
	assert.NotContains(t, r, "sce_admin", "never the master user")
}

// TestTheResultsDDLURLUsesTheParametersWebAPIReads: DDLService.generateResultSQL (WebAPI 2.14) reads
// dialect, schema, vocabSchema, tempSchema and initConceptHierarchy, and falls back to the schemas
// "results" and "vocab" for the others; the wiki's vocab= and results= would be ignored.
func TestTheResultsDDLURLUsesTheParametersWebAPIReads(t *testing.T) {
	u := testAtlas(ArchX86)
	u.CDMSchema, u.ResultsSchema = "omop_cdm", "omop_results"
	s, err := RenderUserData(u)
	require.NoError(t, err)
	r := heredoc(t, s, "RESULTS")
	query := regexp.MustCompile(`/ddl/results\?([^"]+)"`).FindStringSubmatch(r)
	require.NotNil(t, query)
	params := map[string]string{}
	for p := range strings.SplitSeq(query[1], "&") {
		k, v, _ := strings.Cut(p, "=")
		params[k] = v
	}
	assert.Equal(t, map[string]string{"dialect": "redshift", "schema": "omop_results", "vocabSchema": "omop_cdm",
		"tempSchema": "omop_results", "initConceptHierarchy": "true"}, params)
}

// resultsRun runs the rendered results script with stand-ins for curl, docker, aws and sleep on the PATH
// and returns its output, its exit status, the commands it ran, in order, and the SQL psql was given.
func resultsRun(t *testing.T, env ...string) (string, int, []string, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	calls := filepath.Join(dir, "calls")
	// Each stand-in logs its name and its last argument; docker also records the SQL it was given.
	stubCommand(t, bin, "curl", `echo "curl ${*: -1}" >>"$CALLS"
url=${*: -1}
case "$url" in
  */ddl/results*) out=""; while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done
    printf '%s\n' "${DDL:-CREATE TABLE IF NOT EXISTS results.cohort (cohort_definition_id int);}" >"$out" ;;
  */info) [ -z "${WEBAPI_DOWN:-}" ] || exit 7 ;;
esac`)
	stubCommand(t, bin, "aws", `echo "aws $1 $2" >>"$CALLS"; echo '{"username":"ohdsi_reader","password":"p@ss w0rd$"}'`)
	stubCommand(t, bin, "docker", `echo "docker $PGUSER" >>"$CALLS"
cat >>"$CALLS.sql"
n=$(cat "$CALLS.fails" 2>/dev/null || echo 0)
if [ "$n" -lt "${REDSHIFT_FAILS:-0}" ]; then echo $((n + 1)) >"$CALLS.fails"; echo 'psql: could not connect'; exit 2; fi`)
	stubCommand(t, bin, "sleep", "")
	script := filepath.Join(dir, "sce-webapi-results")
	require.NoError(t, os.WriteFile(script, []byte(heredoc(t, atlasScript(t), "RESULTS")), 0o600))
	cmd := exec.Command("bash", script)
	cmd.Env = append(append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CALLS="+calls), env...)
	out, err := cmd.CombinedOutput()
	status := 0
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%s", out)
		status = exit.ExitCode()
	}
	raw, _ := os.ReadFile(calls)
	sql, _ := os.ReadFile(calls + ".sql")
	return string(out), status, strings.Split(strings.TrimSpace(string(raw)), "\n"), string(sql)
}

func TestResultsScriptRetriesRedshiftAndRefreshesOnlyAfterTheDDL(t *testing.T) {
	const info, ddl, refresh = "curl http://127.0.0.1:8080/WebAPI/info",
		"curl http://127.0.0.1:8080/WebAPI/ddl/results?dialect=redshift&schema=results&vocabSchema=cdm&tempSchema=results&initConceptHierarchy=true",
		"curl http://127.0.0.1:8080/WebAPI/source/refresh"
	const secret, psql = "aws secretsmanager get-secret-value", "docker ohdsi_reader"
	repeat := func(s string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	tests := []struct {
		name       string
		env        []string
		wantStatus int
		wantCalls  []string
		wantOutput string
	}{
		{"everything answers at once", nil, 0, []string{info, ddl, secret, psql, refresh}, "results tables in results ready"},
		{"Redshift is not ready twice: tried again, then the sources are refreshed", []string{"REDSHIFT_FAILS=2"}, 0,
			[]string{info, ddl, secret, psql, psql, psql, refresh}, "ready"},
		{"Redshift never answers: it gives up after 60 tries and refreshes nothing", []string{"REDSHIFT_FAILS=1000"}, 1,
			append([]string{info, ddl, secret}, repeat(psql, 60)...), "giving up on apply_ddl after 60 tries"},
		{"WebAPI never answers: it gives up after 120 tries", []string{"WEBAPI_DOWN=1"}, 1, repeat(info, 120), "giving up on curl after 120 tries"},
		{"WebAPI's DDL creates no table: nothing is run on Redshift", []string{"DDL=<html>error</html>"}, 1, []string{info, ddl}, "creates no table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, status, calls, _ := resultsRun(t, tt.env...)
			assert.Equal(t, tt.wantStatus, status, "%s", out)
			assert.Equal(t, tt.wantCalls, calls)
			assert.Contains(t, out, tt.wantOutput)
			assert.NotContains(t, out, "p@ss w0rd", "the password is never printed")
		})
	}
}

// TestResultsScriptHandsPsqlTheWholeDDLOnEveryTry: each try reads the DDL file afresh (a redirect outside
// the retry would leave the second try an exhausted stdin, and an empty script that "succeeds").
func TestResultsScriptHandsPsqlTheWholeDDLOnEveryTry(t *testing.T) {
	const ddl = "CREATE TABLE IF NOT EXISTS results.cohort (cohort_definition_id int);"
	out, status, _, sql := resultsRun(t, "REDSHIFT_FAILS=1", "DDL="+ddl)
	require.Equal(t, 0, status, "%s", out)
	assert.Equal(t, ddl+"\n"+ddl+"\n", sql, "both tries got the whole DDL")
}
