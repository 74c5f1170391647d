package livesession

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/moderation/screen"
	"chorus/store"
)

// Kind says where a message is: the chat, or the question board.
type Kind string

// The kinds of message.
const (
	Chat     Kind = "chat"
	Question Kind = "question" // youth ask
	Answer   Kind = "answer"   // partners answer a question (QuestionID)
)

// Status says who sees a message (see Viewer.Sees).
type Status string

// The statuses.
const (
	Visible Status = "visible" // everyone in the session (partners: only when ForPartners)
	Held    Status = "held"    // only its author and the panel's moderators and coordinators, until a moderator approves
	Hidden  Status = "hidden"  // a moderator hid it: only the panel's moderators and coordinators (and its author)
)

// Why a message is held.
const (
	HeldScreening = "screening" // screening found personal data or a listed word (rule 5)
	HeldApproval  = "approval"  // partner text waits for a moderator (rule 2, pre-moderation)
	HeldChanges   = "changes"   // a moderator asked the author to change it
)

// Message is a chat message, a question or an answer.
type Message struct {
	ID          string        `json:"id"`
	SessionID   string        `json:"sessionId"`
	PanelID     string        `json:"panelId"`
	Kind        Kind          `json:"kind"`
	QuestionID  string        `json:"questionId,omitempty"` // answers: the question
	AuthorID    string        `json:"authorId"`
	AuthorRole  identity.Role `json:"authorRole"`
	AuthorOrgID string        `json:"authorOrgId,omitempty"` // partners: their organisation
	AuthorMinor bool          `json:"authorMinor,omitempty"`
	Text        string        `json:"text"`
	Status      Status        `json:"status"`
	HeldFor     string        `json:"heldFor,omitempty"`
	BeforeHide  Status        `json:"beforeHide,omitempty"` // Hidden: the status a restore returns to
	// ForPartners: partners may see it (when Visible). A minor's text gets
	// it only when a moderator approved it (rule 2).
	ForPartners bool         `json:"forPartners"`
	Hits        []screen.Hit `json:"hits,omitempty"`
	At          time.Time    `json:"at"`
	AtMillis    int64        `json:"atMs"`
	// Erased: its author erased their account; the words are gone, the
	// place in the conversation stays.
	Erased bool `json:"erased,omitempty"`
}

// Author is who posts, as the transport established after asking the
// policy: their role in the session's panel and, for partners, the invited
// organisation they speak for.
type Author struct {
	AccountID string
	Role      identity.Role
	OrgID     string          // partners
	Band      consent.AgeBand // youth; the zero band counts as a minor (fail closed)
	Language  string          // the language their text is screened in
}

func (a Author) youth() bool   { return a.Role.IsYouth() }
func (a Author) partner() bool { return a.Role == identity.Partner }
func (a Author) staff() bool   { return a.Role == identity.Moderator || a.Role == identity.Coordinator }
func (a Author) minor() bool   { return a.youth() && a.Band != consent.Adult }

// PostInput is a new chat message, question or answer.
type PostInput struct {
	SessionID  string
	Author     Author
	Kind       Kind
	Text       string
	QuestionID string // answers
}

// Post adds a chat message, a question or an answer, if the session is
// live: it counts the moderators connected now, and a session with too few
// is paused (and says so to everyone) and refuses the post with Paused.
// Youth text and partner text are screened; what must wait for a moderator
// is held and its moderation case opened.
//
// Errors: fault.Invalid for an empty or too long text, an unknown kind, a
// question not by youth or an answer not by a partner; fault.NotFound for
// an unknown session or question; fault.Forbidden for a partner of an
// organisation the session did not invite; fault.Conflict (Paused) while
// the session is paused.
func (s *Service) Post(ctx context.Context, in PostInput) (Message, error) {
	a := in.Author
	if a.AccountID == "" || !a.Role.Valid() {
		return Message{}, fault.Errorf(fault.Invalid, "Say who is writing.")
	}
	text := strings.TrimSpace(in.Text)
	switch in.Kind {
	case Chat:
		if err := checkLength("message", text, MaxChat); err != nil {
			return Message{}, err
		}
	case Question:
		if !a.youth() {
			return Message{}, fault.Errorf(fault.Invalid, "Questions on the board are for young people to ask.")
		}
		if err := checkLength("question", text, MaxQuestion); err != nil {
			return Message{}, err
		}
	case Answer:
		if !a.partner() {
			return Message{}, fault.Errorf(fault.Invalid, "Answers on the board are for partners to give.")
		}
		if err := checkLength("answer", text, MaxAnswer); err != nil {
			return Message{}, err
		}
	default:
		return Message{}, fault.Errorf(fault.Invalid, "A post is a chat message, a question or an answer.")
	}
	if text == "" {
		return Message{}, fault.Errorf(fault.Invalid, "Please write something first.")
	}
	sess, err := s.Session(ctx, in.SessionID)
	if err != nil {
		return Message{}, err
	}
	if a.partner() && !sess.Invites(a.OrgID) {
		return Message{}, fault.Errorf(fault.Forbidden, "Your organisation is not invited to this session.")
	}
	if in.Kind == Answer {
		q, err := s.message(ctx, in.QuestionID)
		if err != nil || q.SessionID != sess.ID || q.Kind != Question || !(Viewer{AccountID: a.AccountID, Partner: true}).Sees(q) {
			return Message{}, fault.Errorf(fault.NotFound, "This question does not exist.")
		}
	}
	n, err := s.Docs.Count(ctx, MessagesCollection, []store.Cond{{Field: "sessionId", Op: store.Eq, Value: sess.ID}})
	if err != nil {
		return Message{}, err
	}
	if n >= MaxMessages {
		return Message{}, fault.Errorf(fault.Invalid, "This session is full: it has %d messages, the most one session can hold.", MaxMessages)
	}
	// Never trust the stored state: count who is here now.
	if _, st, err := s.Refresh(ctx, sess.ID); err != nil {
		return Message{}, err
	} else if st.Paused {
		return Message{}, Paused()
	}

	now := s.now()
	m := Message{ID: uuid.NewString(), SessionID: sess.ID, PanelID: sess.PanelID, Kind: in.Kind, QuestionID: in.QuestionID,
		AuthorID: a.AccountID, AuthorRole: a.Role, AuthorMinor: a.minor(), Text: text, Status: Visible, ForPartners: true,
		At: now, AtMillis: now.UnixMilli()}
	if a.partner() {
		m.AuthorOrgID = a.OrgID
	}
	if in.Kind != Answer {
		m.QuestionID = ""
	}
	if err := s.hold(ctx, &m, a, sess); err != nil {
		return Message{}, err
	}
	// The message, its case and its event: together or not at all (a held
	// message without its case would wait for nobody).
	return m, s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := store.InsertAs(ctx, s.Docs, MessagesCollection, m.ID, m, time.Time{}); err != nil {
			return err
		}
		if err := s.openCase(ctx, m, a); err != nil {
			return err
		}
		return s.event(ctx, a.AccountID, "session.message_posted", sess.ID, notice(m))
	})
}

// screener returns the screener of a panel.
func (s *Service) screener(ctx context.Context, panelID string) (*screen.Screener, error) {
	if s.screeners == nil {
		return screen.Builtin(), nil
	}
	return s.screeners.ScreenerFor(ctx, panelID)
}

// hold decides who sees a new message: staff text goes to everyone; youth
// and partner text is screened, a hit holds it; a minor's text waits for a
// moderator before partners see it; partner text waits for one before
// youth see it, unless the session is post-moderated.
func (s *Service) hold(ctx context.Context, m *Message, a Author, sess Session) error {
	if a.staff() {
		return nil
	}
	sc, err := s.screener(ctx, sess.PanelID)
	if err != nil {
		return err
	}
	res, err := sc.Screen(m.Text, a.Language)
	if err != nil {
		return err
	}
	m.Hits = res.Hits
	switch {
	case res.Held():
		m.Status, m.HeldFor = Held, HeldScreening
	case a.partner() && !sess.PartnerPostModeration:
		m.Status, m.HeldFor = Held, HeldApproval
	}
	if a.minor() {
		m.ForPartners = false
	}
	return nil
}

// openCase opens the moderation case a new message needs: screening for a
// hit, partner text waiting for approval, and a minor's text that partners
// of the session may see only once a moderator approved it.
func (s *Service) openCase(ctx context.Context, m Message, a Author) error {
	in := moderation.OpenInput{Content: ref(m), PanelID: m.PanelID, AuthorBand: string(a.Band), Actor: a.AccountID}
	switch {
	case m.HeldFor == HeldScreening:
		in.Kind, in.Actor = moderation.KindScreening, moderation.System
		for _, h := range m.Hits {
			if k := string(h.Kind); !slices.Contains(in.Hits, k) {
				in.Hits = append(in.Hits, k)
			}
		}
	case m.HeldFor == HeldApproval:
		in.Kind = moderation.KindPartnerText
	case a.minor() && !m.ForPartners:
		sess, err := s.Session(ctx, m.SessionID)
		if err != nil || len(sess.OrgIDs) == 0 {
			return err // no partner to reach: nothing to approve
		}
		in.Kind = moderation.KindPublication
	default:
		return nil
	}
	if a.partner() || a.staff() {
		in.AuthorBand = string(consent.Adult)
	}
	_, _, err := s.Cases.Open(ctx, in)
	return err
}

func ref(m Message) moderation.ContentRef {
	return moderation.ContentRef{Type: moderation.SessionMessage, ID: m.ID, OwnerID: m.AuthorID, Excerpt: m.Text}
}

// notice is what an event says about a message: never its text or its
// author, because everyone connected to the session receives it, and who
// may read what differs (rules 2 and 4). Clients fetch the board again.
func notice(m Message) map[string]any {
	n := map[string]any{"id": m.ID, "kind": m.Kind, "status": m.Status}
	if m.QuestionID != "" {
		n["questionId"] = m.QuestionID
	}
	return n
}

func (s *Service) message(ctx context.Context, id string) (Message, error) {
	if id == "" {
		return Message{}, noMessage()
	}
	d, err := store.GetAs[Message](ctx, s.Docs, MessagesCollection, id)
	if fault.Is(err, fault.NotFound) {
		return Message{}, noMessage()
	}
	return d.Value, err
}

func noMessage() error { return fault.Errorf(fault.NotFound, "This message does not exist.") }

// Message returns one message of a session, whatever its status (for
// moderation); fault.NotFound when it is not in that session.
func (s *Service) Message(ctx context.Context, sessionID, id string) (Message, error) {
	m, err := s.message(ctx, id)
	if err == nil && sessionID != "" && m.SessionID != sessionID {
		return Message{}, noMessage()
	}
	return m, err
}

// MessageByID returns a message wherever it is (for the moderation queue).
func (s *Service) MessageByID(ctx context.Context, id string) (Message, error) {
	return s.message(ctx, id)
}

// MessagesBy lists the ids of every message the account wrote, in every
// session (for a withdrawal of consent to reach them all).
func (s *Service) MessagesBy(ctx context.Context, accountID string) ([]string, error) {
	docs, err := store.FindAs[Message](ctx, s.Docs, MessagesCollection, store.Query{
		Where: []store.Cond{{Field: "authorId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value.ID)
	}
	return out, nil
}

// Messages lists every message of a session, oldest first, whatever its
// status: filter with Viewer.Sees before showing them.
func (s *Service) Messages(ctx context.Context, sessionID string) ([]Message, error) {
	docs, err := store.FindAs[Message](ctx, s.Docs, MessagesCollection, store.Query{
		Where: []store.Cond{{Field: "sessionId", Op: store.Eq, Value: sessionID}}, OrderBy: "atMs", Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// Viewer is who reads a session: supervisors (the panel's moderators and
// coordinators) see everything; partners see what may reach them.
type Viewer struct {
	AccountID  string
	Supervisor bool
	Partner    bool
}

// Sees reports whether v may read m: supervisors and the author always;
// others only visible messages, and partners only those a minor's words
// reach them in after a moderator approved them (rule 2).
func (v Viewer) Sees(m Message) bool {
	switch {
	case v.Supervisor || (v.AccountID != "" && m.AuthorID == v.AccountID):
		return true
	case m.Status != Visible:
		return false
	case v.Partner:
		return m.ForPartners
	}
	return true
}

// QuestionView is a question on the board with the answers v may read.
type QuestionView struct {
	Message
	Answers []Message `json:"answers"`
}

// Board is what a viewer reads of a session: the newest ChatShown chat
// messages and the question board, oldest first.
type Board struct {
	Chat      []Message      `json:"chat"`
	Questions []QuestionView `json:"questions"`
}

// BoardFor returns what v may read of a session.
func (s *Service) BoardFor(ctx context.Context, sessionID string, v Viewer) (Board, error) {
	all, err := s.Messages(ctx, sessionID)
	if err != nil {
		return Board{}, err
	}
	b := Board{Chat: []Message{}, Questions: []QuestionView{}}
	at := map[string]int{}
	for _, m := range all {
		if m.Kind == Question && v.Sees(m) {
			at[m.ID] = len(b.Questions)
			b.Questions = append(b.Questions, QuestionView{Message: m, Answers: []Message{}})
		}
	}
	for _, m := range all {
		if !v.Sees(m) {
			continue
		}
		switch m.Kind {
		case Chat:
			b.Chat = append(b.Chat, m)
		case Answer:
			if i, ok := at[m.QuestionID]; ok {
				b.Questions[i].Answers = append(b.Questions[i].Answers, m)
			}
		}
	}
	if len(b.Chat) > ChatShown {
		b.Chat = b.Chat[len(b.Chat)-ChatShown:]
	}
	return b, nil
}
