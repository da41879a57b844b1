package upload

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
)

const barWidth = 30

// bar draws one file's progress on one line, redrawn with a carriage return. The transfer manager
// reports bytes as each part (or the single PUT) completes, from several goroutines.
type bar struct {
	mu    sync.Mutex
	w     io.Writer
	name  string
	total int64
	last  int // the last percentage drawn, so that equal frames are not redrawn
}

var (
	_ transfermanager.ObjectTransferStartListener    = (*bar)(nil)
	_ transfermanager.ObjectBytesTransferredListener = (*bar)(nil)
	_ transfermanager.ObjectTransferCompleteListener = (*bar)(nil)
	_ transfermanager.ObjectTransferFailedListener   = (*bar)(nil)
)

func newBar(w io.Writer, name string, total int64) *bar {
	return &bar{w: w, name: name, total: total, last: -1}
}

// draw writes the bar for done bytes; callers hold mu.
func (b *bar) draw(done int64) {
	pct := 100
	if b.total > 0 {
		pct = int(done * 100 / b.total)
	}
	if pct == b.last {
		return
	}
	b.last = pct
	filled := pct * barWidth / 100
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %s / %s", b.name, strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled),
		pct, humanBytes(done), humanBytes(b.total))
}

// OnObjectTransferStart draws the empty bar.
func (b *bar) OnObjectTransferStart(_ context.Context, _ *transfermanager.ObjectTransferStartEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(0)
}

// OnObjectBytesTransferred redraws the bar.
func (b *bar) OnObjectBytesTransferred(_ context.Context, e *transfermanager.ObjectBytesTransferredEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(e.BytesTransferred)
}

// OnObjectTransferComplete draws the full bar and ends the line.
func (b *bar) OnObjectTransferComplete(_ context.Context, _ *transfermanager.ObjectTransferCompleteEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(b.total)
	fmt.Fprintln(b.w)
}

// OnObjectTransferFailed ends the line.
func (b *bar) OnObjectTransferFailed(_ context.Context, _ *transfermanager.ObjectTransferFailedEvent) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintln(b.w, " failed")
}

// humanBytes writes a size in B, KiB, MiB or GiB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= MiB:
		return fmt.Sprintf("%.1f MiB", float64(n)/MiB)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
