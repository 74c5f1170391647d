// Package outbox is the embedded default mail.Sender: instead of delivering,
// it keeps every message in the document store (collection "outbox") and
// logs one line per message, so that a coordinator can read invitation and
// guardian links in the UI when no SMTP server is configured.
//
// The log line carries the kind and the recipient's domain only: never the
// full address and never the body, which holds single-use links.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/mail"
	"chorus/store"
)

// Compile-time proof that *Outbox implements the port.
var _ mail.Sender = (*Outbox)(nil)

// Collection is the store collection that holds the messages.
const Collection = "outbox"

// Schema declares the collection: listed newest first ("at") and filtered by
// kind.
var Schema = store.Schema{
	Collection: Collection,
	Indexes:    []store.Index{{Field: "at"}, {Field: "kind"}},
}

// Entry is one held message.
type Entry struct {
	ID      string
	At      time.Time // when Send was called, by the outbox's clock (millisecond precision)
	Message mail.Message
}

// doc is the stored form of an Entry. At is unix milliseconds so that it
// sorts on every store adapter.
type doc struct {
	At      int64  `json:"at"`
	Kind    string `json:"kind"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// Query selects held messages, newest first.
type Query struct {
	Kind  string // empty: every kind
	Limit int    // 1..store.MaxLimit; 0 means store.DefaultLimit
	After string // cursor from the previous Page.Next
}

// Page is one page of held messages. Next is empty on the last page.
type Page struct {
	Entries []Entry
	Next    string
}

// Outbox keeps messages in a store.Documents. It is safe for concurrent use.
type Outbox struct {
	docs store.Documents
	log  *slog.Logger
	now  func() time.Time
}

// New declares the outbox collection in docs and returns an Outbox that
// logs to log (nil: slog.Default()) and stamps messages with now (nil:
// time.Now). Declaring is idempotent, so New may run on every start.
func New(ctx context.Context, docs store.Documents, log *slog.Logger, now func() time.Time) (*Outbox, error) {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	if err := docs.Declare(ctx, Schema); err != nil {
		return nil, fmt.Errorf("outbox: declare: %w", err)
	}
	return &Outbox{docs: docs, log: log, now: now}, nil
}

// Send validates m (mail.Validate), keeps it and logs it. It returns
// fault.Invalid for a bad message (nothing is stored) and the store's
// fault codes (typically fault.Unavailable) when it cannot be kept.
func (o *Outbox) Send(ctx context.Context, m mail.Message) error {
	if err := mail.Validate(m); err != nil {
		return err
	}
	id, err := uuid.NewV7() // time-ordered: breaks ties between messages of the same millisecond
	if err != nil {
		return fault.Wrap(fault.Internal, err, "outbox: cannot make an id")
	}
	at := o.now()
	data, err := json.Marshal(doc{
		At: at.UnixMilli(), Kind: m.Kind, To: m.To,
		Subject: m.Subject, Text: m.Text, HTML: m.HTML,
	})
	if err != nil {
		return fault.Wrap(fault.Internal, err, "outbox: cannot encode the message")
	}
	if _, err := o.docs.Insert(ctx, Collection, store.Record{ID: id.String(), Data: data}); err != nil {
		return fmt.Errorf("outbox: keep message: %w", err)
	}
	o.log.InfoContext(ctx, "mail held in outbox",
		slog.String("id", id.String()),
		slog.String("kind", m.Kind),
		slog.String("to_domain", mail.Domain(m.To)))
	return nil
}

// List returns held messages newest first, one page at a time. It returns
// fault.Invalid for a bad limit or cursor.
func (o *Outbox) List(ctx context.Context, q Query) (Page, error) {
	sq := store.Query{OrderBy: "at", Desc: true, Limit: q.Limit, After: q.After}
	if q.Kind != "" {
		sq.Where = []store.Cond{{Field: "kind", Op: store.Eq, Value: q.Kind}}
	}
	p, err := o.docs.Find(ctx, Collection, sq)
	if err != nil {
		return Page{}, fmt.Errorf("outbox: list: %w", err)
	}
	out := Page{Entries: make([]Entry, 0, len(p.Records)), Next: p.Next}
	for _, r := range p.Records {
		e, err := decode(r)
		if err != nil {
			return Page{}, err
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// Get returns the held message with id, or fault.NotFound.
func (o *Outbox) Get(ctx context.Context, id string) (Entry, error) {
	r, err := o.docs.Get(ctx, Collection, id)
	if err != nil {
		return Entry{}, fmt.Errorf("outbox: get %s: %w", id, err)
	}
	return decode(r)
}

func decode(r store.Record) (Entry, error) {
	var d doc
	if err := json.Unmarshal(r.Data, &d); err != nil {
		return Entry{}, fault.Wrap(fault.Internal, err, "outbox: a stored message is corrupt")
	}
	return Entry{
		ID: r.ID,
		At: time.UnixMilli(d.At),
		Message: mail.Message{
			To: d.To, Subject: d.Subject, Text: d.Text, HTML: d.HTML, Kind: d.Kind,
		},
	}, nil
}
