package motoserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Version is the moto release the tests were written against.
const Version = "5.2.1"

// Install says how to get moto_server.
const Install = "pip install 'moto[server]'==" + Version

// command is the program started.
const command = "moto_server"

const (
	// startTimeout bounds how long a starting server may take to answer.
	startTimeout = 30 * time.Second
	// stopTimeout is how long a server has to exit after SIGTERM before it is killed.
	stopTimeout = 5 * time.Second
	// startAttempts is how often a start is tried on a new port: another process may take the free port
	// found between its check and moto's bind.
	startAttempts = 3
	// logTail is how much of the server's log is printed when a test failed.
	logTail = 64 << 10
)

// ErrNotInstalled is returned by Start when moto_server is not on PATH.
var ErrNotInstalled = errors.New(command + " not found on PATH")

// Server is a running moto_server.
type Server struct {
	// URL is the server's address, http://127.0.0.1:PORT.
	URL string
	// Region is the region the clients of Config call.
	Region string
	// Account is the account moto answers for.
	Account string

	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
	log     *os.File
	admin   credentials.StaticCredentialsProvider
	names   atomic.Int64
}

// Required reports whether the environment demands the emulator tests: SCE_REQUIRE_MOTO=1, or CI set
// to anything but "" or "false".
func Required(getenv func(string) string) bool {
	if getenv("SCE_REQUIRE_MOTO") == "1" {
		return true
	}
	ci := strings.TrimSpace(getenv("CI"))
	return ci != "" && !strings.EqualFold(ci, "false") && ci != "0"
}

// Main is the body of a TestMain: it starts a server into *srv, runs the tests, stops the server and
// returns the exit code. Without moto_server, *srv stays nil (the tests that Need it skip) unless the
// environment requires the emulator (Required), and then the package fails. When a test failed, the
// server's log is printed.
func Main(m *testing.M, srv **Server) int {
	s, err := Start(context.Background())
	switch {
	case errors.Is(err, ErrNotInstalled) && !Required(os.Getenv):
		fmt.Fprintf(os.Stderr, "motoserver: %v: the emulator tests skip (%s to run them; .ci/run requires them)\n", err, Install)
		return m.Run()
	case errors.Is(err, ErrNotInstalled):
		fmt.Fprintf(os.Stderr, "motoserver: %v, and SCE_REQUIRE_MOTO or CI requires the emulator tests: %s\n", err, Install)
		return 1
	case err != nil:
		fmt.Fprintf(os.Stderr, "motoserver: %v\n", err)
		return 1
	}
	*srv = s
	code := m.Run()
	*srv = nil
	if code != 0 {
		s.printLog(os.Stderr)
	}
	if err := s.Stop(code == 0); err != nil {
		fmt.Fprintf(os.Stderr, "motoserver: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Need returns the server, or skips the test when there is none (moto_server is not installed and the
// environment does not require it; Main has already failed the package when it does).
func (s *Server) Need(t testing.TB) *Server {
	t.Helper()
	if s == nil {
		t.Skipf("%s not installed: %s to run the emulator tests (.ci/run requires them)", command, Install)
	}
	return s
}

// Start starts moto_server on a free port of 127.0.0.1, waits until it answers, and gives it an
// administrator before it enforces IAM (see the package documentation).
func Start(ctx context.Context) (*Server, error) {
	path, err := exec.LookPath(command)
	if err != nil {
		return nil, ErrNotInstalled
	}
	var errs []error
	for range startAttempts {
		s, err := startOn(ctx, path)
		if err == nil {
			return s, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("start %s: %w", command, errors.Join(errs...))
}

// startOn starts one server on a port found free, and sets it up.
func startOn(ctx context.Context, path string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.CreateTemp("", "moto-server-*.log")
	if err != nil {
		return nil, fmt.Errorf("create the server's log: %w", err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Region: "us-east-1", Account: "123456789012",
		log: log, logPath: log.Name(), exited: make(chan struct{})}
	// #nosec G204 -- moto_server found on PATH, with fixed arguments and the port chosen here.
	s.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Stdout, s.cmd.Stderr = log, log
	ownProcessGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("run %s: %w", path, err), s.removeLog())
	}
	go func() {
		_ = s.cmd.Wait() // the exit is seen through s.exited; its status is in the log
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		return nil, errors.Join(err, s.Stop(false))
	}
	if err := s.setUpIAM(ctx); err != nil {
		return nil, errors.Join(err, s.Stop(false))
	}
	return s, nil
}

// freePort returns a TCP port of 127.0.0.1 that nothing listened on a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	return port, nil
}

// waitReady polls the server's own API until it answers, the server exits, or startTimeout passes.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if err != nil {
			return fmt.Errorf("poll %s: %w", s.URL, err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body) // drained so that the connection is reused
			if cerr := resp.Body.Close(); cerr == nil && resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited before answering on %s (log: %s)", command, s.URL, s.logPath)
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer on %s within %s (log: %s)", command, s.URL, startTimeout, s.logPath)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop stops the server: SIGTERM to its process group, SIGKILL after stopTimeout. The log is removed
// when removeLog is true, and kept (its path printed by printLog) otherwise.
func (s *Server) Stop(removeLog bool) error {
	var errs []error
	select {
	case <-s.exited:
	default:
		if err := terminate(s.cmd); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", command, err))
		}
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			if err := kill(s.cmd); err != nil {
				errs = append(errs, fmt.Errorf("kill %s: %w", command, err))
			}
			<-s.exited
		}
	}
	if err := s.log.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close the server's log: %w", err))
	}
	if removeLog {
		errs = append(errs, s.removeLog())
	}
	return errors.Join(errs...)
}

func (s *Server) removeLog() error {
	if err := os.Remove(s.logPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove the server's log: %w", err)
	}
	return nil
}

// printLog writes the end of the server's log, and where the whole of it is kept.
func (s *Server) printLog(w io.Writer) {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		fmt.Fprintf(w, "motoserver: read the server's log: %v\n", err)
		return
	}
	if len(data) > logTail {
		data = data[len(data)-logTail:]
	}
	fmt.Fprintf(w, "--- %s log (kept in %s), last %d bytes:\n%s--- end of %s log\n", command, s.logPath, len(data), data, command)
}

// NeedProgram returns the path of a program the emulator tests also run (the AWS CLI, to run the
// commands a tool prints), and skips the test without it, or fails it when the environment requires
// the emulator tests (Required): install says how to get it.
func NeedProgram(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	switch {
	case err == nil:
		return path
	case Required(os.Getenv):
		t.Fatalf("%s not found on PATH, and SCE_REQUIRE_MOTO or CI requires the emulator tests: %s", name, install)
	default:
		t.Skipf("%s not installed: %s to run this emulator test (.ci/run requires it)", name, install)
	}
	return ""
}
