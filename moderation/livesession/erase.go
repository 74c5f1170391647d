package livesession

import (
	"context"
	"time"

	"chorus/fault"
	"chorus/store"
)

// EraseAuthor removes the words of every message accountID posted, when
// their account is erased (GDPR Art. 17): each message stays in its place,
// marked erased, so the answers of others still follow the conversation; a
// held one is hidden, there being nothing left to approve. It returns how
// many messages it changed; running it again changes none.
func (s *Service) EraseAuthor(ctx context.Context, accountID string) (int, error) {
	docs, err := store.FindAs[Message](ctx, s.Docs, MessagesCollection, store.Query{
		Where: []store.Cond{{Field: "authorId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		if d.Value.Erased {
			continue
		}
		m, version := d.Value, d.Version
		for attempt := 0; ; attempt++ {
			m.Text, m.Hits, m.Erased = "", nil, true
			if m.Status == Held {
				m.Status, m.HeldFor = Hidden, ""
			}
			_, err := store.UpdateAs(ctx, s.Docs, MessagesCollection, m.ID, version, m, time.Time{})
			if err == nil {
				break
			}
			if !fault.Is(err, fault.Conflict) || attempt >= 10 {
				return n, err
			}
			fresh, err := store.GetAs[Message](ctx, s.Docs, MessagesCollection, m.ID)
			if err != nil {
				return n, err
			}
			m, version = fresh.Value, fresh.Version
		}
		n++
	}
	return n, nil
}

// maxErased bounds what one erasure reads.
const maxErased = 100000

// MessagesOf returns every message accountID posted, oldest first, for
// their export (GDPR Art. 15 and 20).
func (s *Service) MessagesOf(ctx context.Context, accountID string) ([]Message, error) {
	docs, err := store.FindAs[Message](ctx, s.Docs, MessagesCollection, store.Query{
		Where: []store.Cond{{Field: "authorId", Op: store.Eq, Value: accountID}}, OrderBy: "atMs", Limit: store.MaxLimit}, maxErased)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}
