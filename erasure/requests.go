package erasure

import (
	"context"
	"slices"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Deadlines of a deletion request (GDPR Art. 12(3)): carried out without
// undue delay and within one month of receipt; coordinators are reminded
// ReminderBefore the due date if it is still open.
const (
	ReminderBefore = 7 * 24 * time.Hour
)

// DueAfter is the legal deadline: one calendar month after receipt.
func DueAfter(received time.Time) time.Time { return received.AddDate(0, 1, 0) }

// Request states.
const (
	RequestOpen = "open"
	RequestDone = "done"
)

// Request is a deletion request someone made for an account they do not
// sign in to (a guardian, through their link), waiting for a coordinator
// to carry it out.
type Request struct {
	ID          string   `json:"id"`
	AccountID   string   `json:"accountId"`
	PanelIDs    []string `json:"panelIds"` // the person's panels: whose coordinators see and carry it out
	By          string   `json:"by"`       // who asked: "guardian"
	State       string   `json:"state"`
	RequestedMS int64    `json:"requestedMs"`
	DueMS       int64    `json:"dueMs"`
	RemindedMS  int64    `json:"remindedMs,omitempty"`
	DoneMS      int64    `json:"doneMs,omitempty"`
	ErasedBy    string   `json:"erasedBy,omitempty"`
}

// RequestDeletion records a deletion request for accountID made by by, due
// one month from now, and tells the coordinators of the person's panels. A
// request while another is open returns that one (created false): the
// deadline runs from the first.
func (s *Service) RequestDeletion(ctx context.Context, accountID, by string) (Request, bool, error) {
	if req, err := s.openRequest(ctx, accountID); err == nil {
		return req, false, nil
	} else if !fault.Is(err, fault.NotFound) {
		return Request{}, false, err
	}
	ms, err := s.Parts.Directory.Memberships(ctx, accountID)
	if err != nil {
		return Request{}, false, err
	}
	now := s.now()
	req := Request{ID: "dr_" + accountID + "_" + now.Format("20060102150405.000"), AccountID: accountID, PanelIDs: []string{}, By: by, State: RequestOpen,
		RequestedMS: now.UnixMilli(), DueMS: DueAfter(now).UnixMilli()}
	for _, m := range ms {
		if m.PanelID != "" && !slices.Contains(req.PanelIDs, m.PanelID) {
			req.PanelIDs = append(req.PanelIDs, m.PanelID)
		}
	}
	// The request and its event together; the mail after the commit.
	if err := s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, RequestsCollection, req.ID, req, time.Time{}); err != nil {
			return err
		}
		_, err := s.Docs.AppendEvent(ctx, store.Event{Actor: by, Type: "erasure.requested", Subject: "account:" + accountID})
		return err
	}); err != nil {
		return Request{}, false, err
	}
	return req, true, s.tellCoordinators(ctx, req, MailRequested)
}

func (s *Service) openRequest(ctx context.Context, accountID string) (Request, error) {
	docs, err := store.FindAs[Request](ctx, s.Docs, RequestsCollection, store.Query{Where: []store.Cond{
		{Field: "accountId", Op: store.Eq, Value: accountID}, {Field: "state", Op: store.Eq, Value: RequestOpen}}, Limit: 1}, 1)
	if err != nil {
		return Request{}, err
	}
	if len(docs) == 0 {
		return Request{}, fault.Errorf(fault.NotFound, "There is no open deletion request for this account.")
	}
	return docs[0].Value, nil
}

// OpenRequests lists the open deletion requests of the given panels, the
// one due first first.
func (s *Service) OpenRequests(ctx context.Context, panelIDs []string) ([]Request, error) {
	docs, err := store.FindAs[Request](ctx, s.Docs, RequestsCollection, store.Query{
		Where: []store.Cond{{Field: "state", Op: store.Eq, Value: RequestOpen}}, OrderBy: "dueMs", Limit: store.MaxLimit}, maxRequests)
	if err != nil {
		return nil, err
	}
	out := []Request{}
	for _, d := range docs {
		if slices.ContainsFunc(d.Value.PanelIDs, func(p string) bool { return slices.Contains(panelIDs, p) }) {
			out = append(out, d.Value)
		}
	}
	return out, nil
}

// maxRequests bounds the open requests read at once: a centre with more
// than this many unanswered deletion requests has a bigger problem.
const maxRequests = 10000

// closeRequests marks the open requests of an erased account done.
func (s *Service) closeRequests(ctx context.Context, rec Erasure) error {
	docs, err := store.FindAs[Request](ctx, s.Docs, RequestsCollection, store.Query{Where: []store.Cond{
		{Field: "accountId", Op: store.Eq, Value: rec.AccountID}, {Field: "state", Op: store.Eq, Value: RequestOpen}}, Limit: store.MaxLimit}, maxRequests)
	if err != nil {
		return err
	}
	for _, d := range docs {
		r := d.Value
		r.State, r.DoneMS, r.ErasedBy = RequestDone, rec.DoneMS, rec.By
		if _, err := store.UpdateAs(ctx, s.Docs, RequestsCollection, r.ID, d.Version, r, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// SendReminders reminds the coordinators of every open request due within
// ReminderBefore, once, and returns how many requests it reminded of. The
// worker runs it; running it again sends nothing new.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	docs, err := store.FindAs[Request](ctx, s.Docs, RequestsCollection, store.Query{Where: []store.Cond{
		{Field: "state", Op: store.Eq, Value: RequestOpen},
		{Field: "dueMs", Op: store.Lte, Value: now.Add(ReminderBefore).UnixMilli()}}, Limit: store.MaxLimit}, maxRequests)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		r := d.Value
		if r.RemindedMS != 0 {
			continue
		}
		r.RemindedMS = now.UnixMilli()
		// Claim it first: another worker that read it too loses the
		// compare-and-set and sends nothing.
		if _, err := store.UpdateAs(ctx, s.Docs, RequestsCollection, r.ID, d.Version, r, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return n, err
		}
		if err := s.tellCoordinators(ctx, r, MailReminder); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
