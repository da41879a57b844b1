package audit

import (
	"fmt"
	"io"
	"time"
)

// progressEvery is how often the progress line is redrawn at most.
const progressEvery = 100 * time.Millisecond

// progress draws "reading N/M log files" on one line of a terminal, redrawn with a carriage return: plain
// text, no colour and no query to the terminal, so that it works on any terminal and stalls none. A nil
// progress draws nothing; its callers serialise calls.
type progress struct {
	w        io.Writer
	total, n int
	last     time.Time
	now      func() time.Time
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	return &progress{w: w, now: time.Now}
}

func (p *progress) start(total int) {
	if p == nil {
		return
	}
	p.total, p.n = total, 0
	p.draw()
}

func (p *progress) done() {
	if p == nil {
		return
	}
	p.n++
	if p.n == p.total || p.now().Sub(p.last) >= progressEvery {
		p.draw()
	}
}

// finish ends the line.
func (p *progress) finish() {
	if p == nil || !p.drawn {
		return
	}
	p.draw()
	fmt.Fprintln(p.w)
}

func (p *progress) draw() {
	p.last = p.now()
	p.drawn = true
	fmt.Fprintf(p.w, "\rsce audit report: reading %d/%d log files", p.n, p.total)
}
