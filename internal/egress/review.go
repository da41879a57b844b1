package egress

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sce-project/sce/internal/airlock/ledger"
)

// ReviewInput is a reviewer's decision.
type ReviewInput struct {
	ID       string
	Decision ledger.Decision
	// Comment is the reason: required to reject.
	Comment string
	Now     time.Time
}

// Review records the caller's decision on a request, under the caller's own key. The files and hashes
// decided on are those the release function recorded: a decision holds only for them. The CLI refuses
// what would not count (a closed request, a caller who is not a reviewer, the requester themselves),
// and the release function judges the decision again, from the key IAM let only the caller write.
func (c *Client) Review(ctx context.Context, in ReviewInput) (ledger.Review, error) {
	var rv ledger.Review
	if in.Decision == ledger.Reject && strings.TrimSpace(in.Comment) == "" {
		return rv, errors.New("say why you reject it (--reason TEXT): the requester reads it")
	}
	if n := utf8.RuneCountInString(in.Comment); n > ledger.MaxComment {
		return rv, fmt.Errorf("the comment has %d characters; at most %d", n, ledger.MaxComment)
	}
	d, err := c.Show(ctx, in.ID)
	if err != nil {
		return rv, err
	}
	if d.Record == nil {
		return rv, fmt.Errorf("request %s has no record of the release function (it was refused: `sce airlock show %s` says why)", in.ID, in.ID)
	}
	if d.Entry.Status.Closed() {
		return rv, fmt.Errorf("request %s is %s: nothing can change it", in.ID, d.Entry.Status)
	}
	who, err := c.WhoAmI(ctx)
	if err != nil {
		return rv, err
	}
	role := reviewerRole(who, d.Record.Reviewers)
	if role == "" {
		return rv, fmt.Errorf("you (%s) are not one of the reviewers of this project (sce:outputReviewers: %s); assume your reviewer role and run again",
			who.ARN, strings.Join(d.Record.Reviewers, ", "))
	}
	if who.UserID == d.Record.RequesterUserID || (who.Session() != "" && strings.EqualFold(who.Session(), ledger.Session(d.Record.RequesterUserID))) {
		return rv, fmt.Errorf("you made request %s (%s): a requester may not review their own request", in.ID, d.Record.Requester)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	rv = ledger.Review{Object: ledger.ReviewObject(role, who.UserID), Version: in.ID, RequestObject: d.Record.RequestObject,
		Decision: in.Decision, Comment: in.Comment, Files: ledger.Hashes(d.Record.Files), Reviewer: who.ARN, ReviewedAt: now.UTC().Format(time.RFC3339)}
	if err := rv.Validate(); err != nil {
		return rv, err
	}
	if err := c.put(ctx, rv, false); err != nil {
		return rv, fmt.Errorf("record your decision: %w", err)
	}
	return rv, nil
}

// reviewerRole is the configured reviewer role the caller is a session of: its ARN as configured (with
// its path, which an STS ARN leaves out), matched by account and role name.
func reviewerRole(who Identity, reviewers []string) string {
	name := who.RoleName()
	if name == "" {
		return ""
	}
	for _, r := range reviewers {
		parts := strings.SplitN(r, ":", 6)
		if len(parts) == 6 && parts[4] == who.Account && r[strings.LastIndex(r, "/")+1:] == name {
			return r
		}
	}
	return ""
}
