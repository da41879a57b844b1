package broker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// requestTimeout bounds one connection: the STS call and the write of the answer.
const requestTimeout = 30 * time.Second

// answer is what the broker writes on a connection: the credential_process document, or an error.
type answer struct {
	Version         int        `json:"Version,omitempty"`
	AccessKeyID     string     `json:"AccessKeyId,omitempty"`
	SecretAccessKey string     `json:"SecretAccessKey,omitempty"`
	SessionToken    string     `json:"SessionToken,omitempty"`
	Expiration      *time.Time `json:"Expiration,omitempty"`
	Error           string     `json:"Error,omitempty"`
}

// Serve answers every connection on l until ctx is done or l fails: each caller, identified by the
// socket's peer credentials, gets its login's credentials or the reason it gets none, and the
// connection is closed. Nothing the caller writes is read: the peer credentials are the whole request.
func (b *Broker) Serve(ctx context.Context, l *net.UnixListener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	for {
		conn, err := l.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("accept a broker connection: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.answer(ctx, conn)
		}()
	}
}

// answer serves one connection.
func (b *Broker) answer(ctx context.Context, conn *net.UnixConn) {
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_ = conn.SetDeadline(time.Now().Add(requestTimeout))
	peer, err := PeerCredentials(conn)
	if err != nil {
		b.cfg.Log.Warn("refused a caller without peer credentials", "error", err.Error())
		b.write(conn, answer{Error: "the broker could not identify the caller"})
		return
	}
	creds, login, err := b.Credentials(ctx, peer.UID)
	if err != nil {
		level := b.cfg.Log.Warn
		if !errors.Is(err, ErrRefused) {
			level = b.cfg.Log.Error
		}
		level("no credentials", "uid", peer.UID, "pid", peer.PID, "login", login, "error", err.Error())
		b.write(conn, answer{Error: err.Error()})
		return
	}
	b.cfg.Log.Info("credentials", "uid", peer.UID, "pid", peer.PID, "login", login, "expiration", creds.Expiration.Format(time.RFC3339))
	b.write(conn, answer{Version: creds.Version, AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey,
		SessionToken: creds.SessionToken, Expiration: creds.Expiration})
}

func (b *Broker) write(conn *net.UnixConn, a answer) {
	if err := json.NewEncoder(conn).Encode(a); err != nil { //nolint:gosec // the caller's own credentials, to the caller
		b.cfg.Log.Warn("could not answer the caller", "error", err.Error())
	}
}

// Peer is the process at the other end of a Unix socket, as the kernel recorded it when it connected.
type Peer struct {
	PID      int32
	UID, GID uint32
}
