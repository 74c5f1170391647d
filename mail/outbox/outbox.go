// Package outbox is the embedded default mail.Sender: instead of delivering,
// it keeps messages in the document store (collection "outbox") and logs one
// line per message. It is for trying Chorus without a mail server, never for
// real minors: a held invitation or guardian link only works for whoever
// reads it, so the HTTP layer shows a coordinator that mail is waiting (its
// kind, the recipient's domain, the time), for the people of their own
// panels only, and reveals the messages themselves only in the demo.
//
// A mail ForRecipientOnly (a password reset) is never kept: it is logged
// as not delivered. The log line carries the kind and the recipient's
// domain only: never the full address and never the body.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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

// Schema declares the collection: listed newest first ("at"), filtered by
// kind, and found by recipient and by the person a mail is about (Forget).
var Schema = store.Schema{
	Collection: Collection,
	Indexes:    []store.Index{{Field: "at"}, {Field: "kind"}, {Field: "to"}, {Field: "accountId"}},
}

// maxScanned bounds how many held messages one List reads to fill a page
// for some panels only.
const maxScanned = 20 * store.MaxLimit

// Entry is one held message.
type Entry struct {
	ID      string
	At      time.Time // when Send was called, by the outbox's clock (millisecond precision)
	Message mail.Message
	Panels  []string // the panels the mail is about (see mail.Message.PanelID and AccountID)
}

// doc is the stored form of an Entry. At is unix milliseconds so that it
// sorts on every store adapter.
type doc struct {
	At        int64    `json:"at"`
	Kind      string   `json:"kind"`
	To        string   `json:"to"`
	Subject   string   `json:"subject"`
	Text      string   `json:"text"`
	HTML      string   `json:"html,omitempty"`
	AccountID string   `json:"accountId,omitempty"`
	Panels    []string `json:"panels,omitempty"`
}

// Query selects held messages, newest first.
type Query struct {
	Kind string // empty: every kind
	// Panels keeps only the messages about one of these panels; nil keeps
	// every message (for the operator's tools, never for a person).
	Panels []string
	Limit  int    // 1..store.MaxLimit; 0 means store.DefaultLimit
	After  string // cursor from the previous Page.Next
}

// Page is one page of held messages. Next is empty on the last page.
type Page struct {
	Entries []Entry
	Next    string
}

// PanelsOf returns the panels a person belongs to.
type PanelsOf func(ctx context.Context, accountID string) ([]string, error)

// Outbox keeps messages in a store.Documents. It is safe for concurrent use.
type Outbox struct {
	docs     store.Documents
	log      *slog.Logger
	now      func() time.Time
	panelsOf PanelsOf
}

// New declares the outbox collection in docs and returns an Outbox that
// logs to log (nil: slog.Default()), stamps messages with now (nil:
// time.Now) and finds the panels of the person a mail is about with
// panelsOf (nil: only a mail's own PanelID counts). Declaring is
// idempotent, so New may run on every start.
func New(ctx context.Context, docs store.Documents, log *slog.Logger, now func() time.Time, panelsOf PanelsOf) (*Outbox, error) {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	if err := docs.Declare(ctx, Schema); err != nil {
		return nil, fmt.Errorf("outbox: declare: %w", err)
	}
	return &Outbox{docs: docs, log: log, now: now, panelsOf: panelsOf}, nil
}

// Send validates m (mail.Validate), keeps it and logs it; a mail
// ForRecipientOnly is logged as not delivered and not kept. It returns
// fault.Invalid for a bad message (nothing is stored) and the store's
// fault codes (typically fault.Unavailable) when it cannot be kept.
func (o *Outbox) Send(ctx context.Context, m mail.Message) error {
	if err := mail.Validate(m); err != nil {
		return err
	}
	if m.ForRecipientOnly {
		o.log.WarnContext(ctx, "mail not delivered: only its recipient may read it, and without SMTP_URL there is no mail server to send it",
			slog.String("kind", m.Kind), slog.String("to_domain", mail.Domain(m.To)))
		return nil
	}
	panels, err := o.panels(ctx, m)
	if err != nil {
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
		AccountID: m.AccountID, Panels: panels,
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

// panels is the mail's panel and those of the person it is about, as they
// are when it is sent.
func (o *Outbox) panels(ctx context.Context, m mail.Message) ([]string, error) {
	var out []string
	if m.PanelID != "" {
		out = append(out, m.PanelID)
	}
	if m.AccountID != "" && o.panelsOf != nil {
		ps, err := o.panelsOf(ctx, m.AccountID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return nil, fmt.Errorf("outbox: panels of the mail's person: %w", err)
		}
		for _, p := range ps {
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// List returns held messages newest first, one page at a time. With
// q.Panels it keeps only the messages about those panels, reading at most
// maxScanned messages for one page (Next then goes on from there). It
// returns fault.Invalid for a bad limit or cursor.
func (o *Outbox) List(ctx context.Context, q Query) (Page, error) {
	sq := store.Query{OrderBy: "at", Desc: true, Limit: q.Limit, After: q.After}
	if q.Kind != "" {
		sq.Where = []store.Cond{{Field: "kind", Op: store.Eq, Value: q.Kind}}
	}
	want := q.Limit
	if want == 0 {
		want = store.DefaultLimit
	}
	out := Page{Entries: []Entry{}}
	for scanned := 0; ; {
		p, err := o.docs.Find(ctx, Collection, sq)
		if err != nil {
			return Page{}, fmt.Errorf("outbox: list: %w", err)
		}
		scanned += len(p.Records)
		for _, r := range p.Records {
			e, err := decode(r)
			if err != nil {
				return Page{}, err
			}
			if q.Panels == nil || slices.ContainsFunc(e.Panels, func(id string) bool { return slices.Contains(q.Panels, id) }) {
				out.Entries = append(out.Entries, e)
			}
		}
		out.Next = p.Next
		if q.Panels == nil || p.Next == "" || len(out.Entries) >= want || scanned >= maxScanned {
			return out, nil
		}
		sq.After = p.Next
	}
}

// Forget deletes every held message to email or about accountID (either
// may be empty), when that person's account is erased (GDPR Art. 17): the
// outbox would otherwise keep their address and the links meant for them.
// It returns how many it deleted.
func (o *Outbox) Forget(ctx context.Context, accountID, email string) (int, error) {
	var conds []store.Cond
	if accountID != "" {
		conds = append(conds, store.Cond{Field: "accountId", Op: store.Eq, Value: accountID})
	}
	if email != "" {
		// Chorus lower-cases every address it keeps (identity.CleanEmail).
		conds = append(conds, store.Cond{Field: "to", Op: store.Eq, Value: strings.ToLower(email)})
	}
	n := 0
	for _, c := range conds {
		for {
			p, err := o.docs.Find(ctx, Collection, store.Query{Where: []store.Cond{c}, Limit: store.MaxLimit})
			if err != nil {
				return n, fmt.Errorf("outbox: forget: %w", err)
			}
			for _, r := range p.Records {
				if err := o.docs.Delete(ctx, Collection, r.ID); err != nil && !fault.Is(err, fault.NotFound) {
					return n, fmt.Errorf("outbox: forget: %w", err)
				}
				n++
			}
			if p.Next == "" {
				break
			}
		}
	}
	return n, nil
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
		ID:     r.ID,
		At:     time.UnixMilli(d.At),
		Panels: d.Panels,
		Message: mail.Message{
			To: d.To, Subject: d.Subject, Text: d.Text, HTML: d.HTML, Kind: d.Kind, AccountID: d.AccountID,
		},
	}, nil
}
