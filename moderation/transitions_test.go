package moderation

import (
	"testing"

	"chorus/fault"
)

// Every refused action says specifically why: no moderator ever sees the
// generic fallback, whatever the action, status and hidden state.
func TestEveryRefusalIsExplained(t *testing.T) {
	fallback := conflictMessage("", Case{Status: "unknown"})
	for _, a := range Actions {
		for _, st := range Statuses {
			for _, hidden := range []bool{false, true} {
				if hidden && (st == StatusApproved || st == StatusClosed) {
					continue // approving and restoring show the content
				}
				c := Case{Status: st, HiddenByModerator: hidden}
				err := allowed(a, c)
				if err == nil {
					if st == StatusClosed {
						t.Errorf("%s on a closed case: got allowed, want refused", a)
					}
					continue
				}
				if !fault.Is(err, fault.Conflict) || fault.MessageOf(err) == fallback {
					t.Errorf("%s on %s (hidden=%t): got %v, want a conflict that says why", a, st, hidden, err)
				}
			}
		}
	}
}
