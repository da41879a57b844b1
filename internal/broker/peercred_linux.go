//go:build linux

package broker

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// PeerCredentials returns the credentials the kernel recorded for the process that connected to conn
// (SO_PEERCRED, socket(7) and unix(7): "the credentials that were in effect at the time of the call to
// connect(2)"). The caller cannot choose them: they are not read from anything it sent.
func PeerCredentials(conn *net.UnixConn) (Peer, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return Peer{}, fmt.Errorf("peer credentials: %w", err)
	}
	if credErr != nil {
		return Peer{}, fmt.Errorf("peer credentials: SO_PEERCRED: %w", credErr)
	}
	return Peer{PID: cred.Pid, UID: cred.Uid, GID: cred.Gid}, nil
}
