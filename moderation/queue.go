package moderation

import (
	"context"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Queue page sizes.
const (
	DefaultQueueLimit = 100
	MaxQueueLimit     = store.MaxLimit
)

// QueueFilter narrows the queue. Zero fields do not filter, except Status:
// empty means the cases that wait for a moderator (open and escalated).
type QueueFilter struct {
	Kind     Kind
	Category string
	Status   Status
	Limit    int    // 0: DefaultQueueLimit
	After    string // QueuePage.Next of the previous page
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Cases []Case
	Next  string // empty on the last page
}

// Queue lists the cases of the given panels, most urgent first: by
// priority (safeguarding first), then oldest first. No panel, no cases: a
// moderator sees only the panels the caller passes.
//
// Errors: fault.Invalid for an unknown kind, category or status, or a bad
// limit or cursor.
func (s *Service) Queue(ctx context.Context, panelIDs []string, f QueueFilter) (QueuePage, error) {
	where, err := queueWhere(panelIDs, f)
	if err != nil {
		return QueuePage{}, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultQueueLimit
	}
	if f.Limit < 1 || f.Limit > MaxQueueLimit {
		return QueuePage{}, fault.Errorf(fault.Invalid, "Ask for between 1 and %d cases at a time.", MaxQueueLimit)
	}
	if len(panelIDs) == 0 {
		return QueuePage{Cases: []Case{}}, nil
	}
	page, err := s.Docs.Find(ctx, CasesCollection, store.Query{Where: where, OrderBy: "rank", Limit: f.Limit, After: f.After})
	if err != nil {
		return QueuePage{}, err
	}
	out := QueuePage{Cases: make([]Case, 0, len(page.Records)), Next: page.Next}
	for _, r := range page.Records {
		d, err := decodeCase(r.Data)
		if err != nil {
			return QueuePage{}, err
		}
		out.Cases = append(out.Cases, d.Case)
	}
	return out, nil
}

func queueWhere(panelIDs []string, f QueueFilter) ([]store.Cond, error) {
	where := []store.Cond{{Field: "panelId", Op: store.In, Value: panelIDs}}
	switch {
	case f.Status == "":
		where = append(where, store.Cond{Field: "status", Op: store.In, Value: strs(waiting)})
	case slices.Contains(Statuses, f.Status):
		where = append(where, store.Cond{Field: "status", Op: store.Eq, Value: string(f.Status)})
	default:
		return nil, fault.Errorf(fault.Invalid, "Unknown status %q. Known: %s.", f.Status, joinAll(Statuses))
	}
	if f.Kind != "" {
		if !slices.Contains(Kinds, f.Kind) {
			return nil, fault.Errorf(fault.Invalid, "Unknown kind of case %q. Known: %s.", f.Kind, joinAll(Kinds))
		}
		where = append(where, store.Cond{Field: "kind", Op: store.Eq, Value: string(f.Kind)})
	}
	if f.Category != "" {
		if !slices.Contains(Categories(), f.Category) {
			return nil, fault.Errorf(fault.Invalid, "Unknown category %q. Known: %s.", f.Category, strings.Join(Categories(), ", "))
		}
		where = append(where, store.Cond{Field: "category", Op: store.Eq, Value: f.Category})
	}
	return where, nil
}

// Categories lists every category a case may have: report categories,
// screening hits, and the approval kinds.
func Categories() []string {
	out := slices.Clone(ReportCategories)
	out = append(out, ScreeningCategories...)
	return append(out, string(KindPublication), string(KindPartnerText))
}

// strs converts for the store, which takes plain strings, not named types.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func joinAll[T ~string](xs []T) string {
	return strings.Join(strs(xs), ", ")
}

// Summary is the dashboard's view of the queue.
type Summary struct {
	Waiting    int            // cases waiting for a moderator (open or escalated)
	ByCategory map[string]int // waiting cases per category; categories with none are left out
	ByStatus   map[Status]int // active cases per status; statuses with none are left out
	// OldestOpenedAt is when the oldest waiting case was opened, and
	// OldestAge how long ago that is; both zero when nothing waits.
	OldestOpenedAt time.Time
	OldestAge      time.Duration
}

// Summary counts the waiting cases of the given panels per category and
// status and says how long the oldest has waited.
func (s *Service) Summary(ctx context.Context, panelIDs []string) (Summary, error) {
	out := Summary{ByCategory: map[string]int{}, ByStatus: map[Status]int{}}
	if len(panelIDs) == 0 {
		return out, nil
	}
	inPanels := store.Cond{Field: "panelId", Op: store.In, Value: panelIDs}
	for _, st := range Statuses {
		if !st.Active() {
			continue
		}
		n, err := s.Docs.Count(ctx, CasesCollection, []store.Cond{inPanels, {Field: "status", Op: store.Eq, Value: string(st)}})
		if err != nil {
			return Summary{}, err
		}
		if n > 0 {
			out.ByStatus[st] = int(n)
		}
		if slices.Contains(waiting, st) {
			out.Waiting += int(n)
		}
	}
	isWaiting := store.Cond{Field: "status", Op: store.In, Value: strs(waiting)}
	for _, cat := range Categories() {
		n, err := s.Docs.Count(ctx, CasesCollection, []store.Cond{inPanels, isWaiting, {Field: "category", Op: store.Eq, Value: cat}})
		if err != nil {
			return Summary{}, err
		}
		if n > 0 {
			out.ByCategory[cat] = int(n)
		}
	}
	page, err := s.Docs.Find(ctx, CasesCollection, store.Query{Where: []store.Cond{inPanels, isWaiting}, OrderBy: "openedAt", Limit: 1})
	if err != nil {
		return Summary{}, err
	}
	if len(page.Records) > 0 {
		d, err := decodeCase(page.Records[0].Data)
		if err != nil {
			return Summary{}, err
		}
		out.OldestOpenedAt = d.Opened()
		out.OldestAge = s.now().Sub(out.OldestOpenedAt)
	}
	return out, nil
}

// maxWaitingForAuthor bounds how many cases waiting for their authors
// WaitingForAuthor reads in the given panels.
const maxWaitingForAuthor = 2000

// WaitingForAuthor lists the cases of ownerID's content in the given
// panels that wait for them: a moderator asked for a change (the young
// person's home says so). Oldest first.
func (s *Service) WaitingForAuthor(ctx context.Context, panelIDs []string, ownerID string) ([]Case, error) {
	out := []Case{}
	f := QueueFilter{Status: StatusChangesRequested, Limit: MaxQueueLimit}
	for read := 0; read < maxWaitingForAuthor; {
		page, err := s.Queue(ctx, panelIDs, f)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Cases {
			if c.Content.OwnerID == ownerID {
				out = append(out, c)
			}
		}
		read += len(page.Cases)
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	return out, nil
}
