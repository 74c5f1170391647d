package livesession

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"

	"chorus/fault"
	"chorus/moderation"
	"chorus/store"
)

// Outcomes of a moderator's decision on a message (Apply), as the
// moderation queue names them.
const (
	OutcomeApprove        = "approve"
	OutcomeRestore        = "restore"
	OutcomeHide           = "hide"
	OutcomeRequestChanges = "request_changes"
)

// Apply carries out on a message a decision a moderator took on its case
// (recorded by package moderation): approve shows it to everyone in the
// session, partners included; hide takes it away from all but the panel's
// supervisors; restore undoes a hide, back to what the message was before
// (held stays held, and who may read it stays the same: a restore never
// approves); request_changes holds it for its author.
// Everyone connected hears of the change (without the text).
//
// Errors: fault.NotFound for an unknown message; fault.Invalid for an
// unknown outcome.
func (s *Service) Apply(ctx context.Context, actor, messageID, outcome string) (Message, error) {
	// The change and its event: together or not at all.
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Message, error) { return s.applyTx(ctx, actor, messageID, outcome) })
}

func (s *Service) applyTx(ctx context.Context, actor, messageID, outcome string) (Message, error) {
	for range maxAttempts {
		d, err := store.GetAs[Message](ctx, s.Docs, MessagesCollection, messageID)
		if fault.Is(err, fault.NotFound) {
			return Message{}, noMessage()
		}
		if err != nil {
			return Message{}, err
		}
		m := d.Value
		switch outcome {
		case OutcomeApprove:
			m.Status, m.HeldFor, m.ForPartners, m.BeforeHide = Visible, "", true, ""
		case OutcomeRestore:
			m.Status, m.BeforeHide = restoredStatus(m), ""
		case OutcomeHide:
			if m.Status != Hidden {
				m.BeforeHide = m.Status
			}
			m.Status = Hidden
		case OutcomeRequestChanges:
			m.Status, m.HeldFor = Held, HeldChanges
		default:
			return Message{}, fault.Errorf(fault.Invalid, "Unknown decision %q: approve, restore, hide or request_changes.", outcome)
		}
		if _, err := store.UpdateAs(ctx, s.Docs, MessagesCollection, m.ID, d.Version, m, time.Time{}); fault.Is(err, fault.Conflict) {
			continue
		} else if err != nil {
			return Message{}, err
		}
		return m, s.event(ctx, actor, "session.message_moderated", m.SessionID, notice(m))
	}
	return Message{}, fault.Errorf(fault.Conflict, "Several people are changing this session at the same moment. Please try again.")
}

// restoredStatus is what a hidden message was before the hide. A message
// hidden before messages remembered it is held: fail closed.
func restoredStatus(m Message) Status {
	switch {
	case m.Status != Hidden:
		return m.Status
	case m.BeforeHide != "":
		return m.BeforeHide
	}
	return Held
}

// DecideInput is a moderator's decision on a message, taken in the session.
type DecideInput struct {
	SessionID string
	MessageID string
	Actor     string // already authorised by the caller (moderation.approve or moderation.act)
	Action    moderation.Action
	Reason    string
}

// Decide lets a moderator in the session decide about a message at once:
// it opens the message's moderation case if it has none, acts on the case
// (so who, when and why is on record, rule 6) and applies the outcome.
//
// Errors: those of moderation.Service.Act (a missing reason, deciding about
// one's own text, a decision the case's status does not allow), and
// fault.NotFound for a message not in the session.
func (s *Service) Decide(ctx context.Context, in DecideInput) (Message, moderation.Case, error) {
	// The case, the decision with its audit row and what the message
	// does: one change (rule 6).
	var (
		m Message
		c moderation.Case
	)
	err := s.Docs.InTransaction(ctx, func(ctx context.Context) (err error) {
		m, c, err = s.decide(ctx, in)
		return err
	})
	if err != nil {
		return Message{}, moderation.Case{}, err
	}
	return m, c, nil
}

func (s *Service) decide(ctx context.Context, in DecideInput) (Message, moderation.Case, error) {
	m, err := s.Message(ctx, in.SessionID, in.MessageID)
	if err != nil {
		return Message{}, moderation.Case{}, err
	}
	outcome := ""
	switch in.Action {
	case moderation.Approve:
		outcome = OutcomeApprove
	case moderation.Hide:
		outcome = OutcomeHide
	case moderation.Restore:
		outcome = OutcomeRestore
	default:
		return Message{}, moderation.Case{}, fault.Errorf(fault.Invalid, "In a session a moderator can approve, hide or restore a message.")
	}
	c, err := s.Cases.CaseFor(ctx, moderation.SessionMessage, m.ID)
	if fault.Is(err, fault.NotFound) {
		kind := moderation.KindPublication
		if m.AuthorOrgID != "" {
			kind = moderation.KindPartnerText
		}
		c, _, err = s.Cases.Open(ctx, moderation.OpenInput{Kind: kind, Content: ref(m), PanelID: m.PanelID, Actor: in.Actor})
	}
	if err != nil {
		return Message{}, moderation.Case{}, err
	}
	c, err = s.Cases.Act(ctx, moderation.ActInput{CaseID: c.ID, Actor: in.Actor, Action: in.Action, Reason: in.Reason})
	if err != nil {
		return Message{}, moderation.Case{}, err
	}
	m, err = s.Apply(ctx, in.Actor, m.ID, outcome)
	return m, c, err
}

// transcriptColumns is the header of TranscriptCSV.
var transcriptColumns = []string{"time", "kind", "author", "role", "status", "for partners", "question", "text"}

// TranscriptCSV writes a session's messages as CSV (RFC 4180, with a
// header) for moderators and coordinators; nameOf gives the author's name
// as the reader may see it. Cells a spreadsheet would run as a formula get
// a leading single quote.
func TranscriptCSV(w io.Writer, msgs []Message, nameOf func(accountID string) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(transcriptColumns); err != nil {
		return fault.Wrap(fault.Internal, err, "the transcript could not be written")
	}
	for _, m := range msgs {
		fp := "no"
		if m.ForPartners {
			fp = "yes"
		}
		row := []string{m.At.UTC().Format("2006-01-02T15:04:05.000Z07:00"), string(m.Kind), nameOf(m.AuthorID), string(m.AuthorRole),
			string(m.Status), fp, m.QuestionID, m.Text}
		for i := range row {
			row[i] = safeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fault.Wrap(fault.Internal, err, "the transcript could not be written")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fault.Wrap(fault.Internal, err, "the transcript could not be written")
	}
	return nil
}

func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
