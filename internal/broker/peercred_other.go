//go:build !linux

package broker

import (
	"errors"
	"net"
)

// PeerCredentials is only implemented on Linux, where the broker runs: elsewhere every caller is refused.
func PeerCredentials(*net.UnixConn) (Peer, error) {
	return Peer{}, errors.New("peer credentials are read on Linux only")
}
