package policy

import "chorus/consent"

// EntersWorkspace reports whether s may go past their own page into the
// workspace (panels, groups, pledges): a youth account (one with a date of
// birth) only while it holds participate, below the consent age granted
// by a guardian; staff accounts carry no date of birth and need no
// consent of their own. Every action asks the policy again; this is what
// the app shows first.
func EntersWorkspace(s Subject, youthAccount bool) bool {
	return !youthAccount || s.Holds(consent.Participate)
}
