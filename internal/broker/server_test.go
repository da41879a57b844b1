package broker

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve runs the broker on a real Unix socket in a short temporary directory (a socket path holds at most
// 108 bytes) and returns the socket's path.
func serve(t *testing.T, b *Broker) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "brk")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	path := filepath.Join(dir, "s")
	l, err := Listener(path, func(string) string { return "" }, os.Getpid())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	return path
}

func TestTheBrokerIdentifiesItsCallerByTheSocketsPeerCredentials(t *testing.T) {
	me := uint32(os.Getuid())
	f := newFixture(t, users{me: "alice"}, "alice", "bob")
	path := serve(t, f.broker)

	out, err := Fetch(context.Background(), path)
	require.NoError(t, err)
	var doc processcreds.CredentialProcessResponse
	require.NoError(t, json.Unmarshal(out, &doc), "%s", out)
	assert.Equal(t, 1, doc.Version)
	assert.NotEmpty(t, doc.AccessKeyID)
	assert.Equal(t, "secret", doc.SecretAccessKey)
	assert.Equal(t, "token", doc.SessionToken)
	require.NotNil(t, doc.Expiration)
	assert.WithinDuration(t, f.clock.now().Add(time.Hour), *doc.Expiration, time.Second)
	require.Equal(t, 1, f.sts.count())
	assert.Equal(t, "alice", aws.ToString(f.sts.calls[0].SourceIdentity), "the kernel's uid, mapped to its login, is the source identity")
}

func TestWhatACallerWritesCannotChangeWhoItIs(t *testing.T) {
	me := uint32(os.Getuid())
	f := newFixture(t, users{me: "alice"}, "alice", "bob")
	path := serve(t, f.broker)
	conn, err := net.Dial("unix", path)
	require.NoError(t, err)
	defer func() { _ = conn.Close() }()
	// The broker may have answered and closed before this arrives: it reads nothing, so the write may fail.
	_, _ = conn.Write([]byte(`{"login":"bob","uid":1002}` + "\n"))
	var a answer
	require.NoError(t, json.NewDecoder(conn).Decode(&a))
	assert.Empty(t, a.Error)
	require.Equal(t, 1, f.sts.count())
	assert.Equal(t, "alice", aws.ToString(f.sts.calls[0].SourceIdentity))
}

func TestACallerWhoseLoginIsNotConfiguredGetsTheReasonAndNoCredentials(t *testing.T) {
	me := uint32(os.Getuid())
	f := newFixture(t, users{me: "mallory"}, "alice", "bob")
	path := serve(t, f.broker)
	out, err := Fetch(context.Background(), path)
	require.Error(t, err)
	assert.Nil(t, out)
	assert.Contains(t, err.Error(), "mallory")
	assert.Contains(t, err.Error(), "not a configured researcher")
	assert.Zero(t, f.sts.count())
}

func TestFetchRefusesAnAnswerThatIsNotACompleteCredentialDocument(t *testing.T) {
	for name, reply := range map[string]string{
		"not JSON":       "Version 1\n",
		"no token":       `{"Version":1,"AccessKeyId":"ASIA","SecretAccessKey":"s","Expiration":"2026-11-28T11:00:00Z"}`,
		"wrong version":  `{"Version":2,"AccessKeyId":"ASIA","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-28T11:00:00Z"}`,
		"no expiration":  `{"Version":1,"AccessKeyId":"ASIA","SecretAccessKey":"s","SessionToken":"t"}`,
		"an error field": `{"Error":"the broker could not identify the caller"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir, err := os.MkdirTemp("", "brk")
			require.NoError(t, err)
			defer func() { _ = os.RemoveAll(dir) }()
			path := filepath.Join(dir, "s")
			l, err := net.Listen("unix", path)
			require.NoError(t, err)
			defer func() { _ = l.Close() }()
			go func() {
				if c, err := l.Accept(); err == nil {
					_, _ = c.Write([]byte(reply))
					_ = c.Close()
				}
			}()
			_, err = Fetch(context.Background(), path)
			assert.Error(t, err)
		})
	}
}

func TestFetchNamesTheSocketItCannotReach(t *testing.T) {
	_, err := Fetch(context.Background(), "/nonexistent/sce-broker.sock")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/sce-broker.sock")
}

func TestListenerTakesOnlySocketsSystemdPassedToThisProcess(t *testing.T) {
	dir, err := os.MkdirTemp("", "brk")
	require.NoError(t, err)
	defer func() { _ = os.RemoveAll(dir) }()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	// Variables meant for another process (LISTEN_PID is not ours) are ignored: the broker listens itself.
	l, err := Listener(filepath.Join(dir, "a"), env(map[string]string{"LISTEN_FDS": "1", "LISTEN_PID": "1"}), os.Getpid())
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "a"), l.Addr().String())
	require.NoError(t, l.Close())

	_, err = Listener(filepath.Join(dir, "b"), env(map[string]string{"LISTEN_FDS": "2", "LISTEN_PID": strconv.Itoa(os.Getpid())}), os.Getpid())
	assert.ErrorContains(t, err, "exactly one")
}

func TestReadLoginsRefusesADamagedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "logins")
	require.NoError(t, os.WriteFile(good, []byte("# from sce:researchers\nalice\n\nbob\n"), 0o600))
	got, err := ReadLogins(good)
	require.NoError(t, err)
	assert.Equal(t, []string{"alice", "bob"}, got)

	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.WriteFile(bad, []byte("alice\nbob carol\n"), 0o600))
	_, err = ReadLogins(bad)
	assert.ErrorContains(t, err, "line 2")

	_, err = ReadLogins(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}
