package broker

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
)

// listenFDStart is the first file descriptor systemd passes to a socket-activated service
// (sd_listen_fds(3): SD_LISTEN_FDS_START).
const listenFDStart = 3

// Listener returns the socket to serve: the one systemd passed (socket activation: LISTEN_PID is this
// process and LISTEN_FDS is 1, sd_listen_fds(3)), or else a new socket at path. getenv and pid are the
// environment and process id to judge by.
func Listener(path string, getenv func(string) string, pid int) (*net.UnixListener, error) {
	if fds := getenv("LISTEN_FDS"); fds != "" && getenv("LISTEN_PID") == strconv.Itoa(pid) {
		if fds != "1" {
			return nil, fmt.Errorf("systemd passed %s sockets; the broker serves exactly one", fds)
		}
		f := os.NewFile(listenFDStart, "sce-broker.socket")
		l, err := net.FileListener(f)
		if err != nil {
			return nil, fmt.Errorf("use the socket systemd passed: %w", err)
		}
		_ = f.Close() // FileListener holds its own duplicate
		ul, ok := l.(*net.UnixListener)
		if !ok {
			_ = l.Close()
			return nil, errors.New("the socket systemd passed is not a Unix stream socket")
		}
		return ul, nil
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return l, nil
}
