package round

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"slices"
	"time"

	"chorus/identity"
	"chorus/mail"
)

// Reminder kinds: a few days before a deadline, and at it.
const (
	ReminderBefore = "before"
	ReminderAt     = "at"
)

// Mail kinds this package sends (mail.Message.Kind).
const (
	MailAnswersDue = "round.answers_due"
	MailReviewDue  = "round.review_due"
)

// Remind sends the reminders that are due now: to the partner members of
// every invited organisation with unanswered items (of an open round), and
// of every organisation with commitments not updated since a progress
// review opened (of a closed round): ReminderLead before the deadline, and
// at it. Each is marked sent before it goes (so two workers never send it
// twice) and unmarked if sending fails, to be tried on the next run. It
// returns how many mails went out.
func (s *Service) Remind(ctx context.Context, send mail.Sender, publicURL string) (int, error) {
	now := s.now()
	rs, err := s.OpenRounds(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range rs {
		answers, err := s.Answers(ctx, r.ID)
		if err != nil {
			return sent, err
		}
		for _, o := range r.Orgs {
			missing := len(r.Items)
			for _, a := range answers {
				if a.OrgID == o.ID && a.Submitted() {
					missing--
				}
			}
			kind := dueReminder(now, o.Deadline, o.Reminded)
			if missing == 0 || kind == "" {
				continue
			}
			n, err := s.remindOrg(ctx, send, r, o, kind, missing, MailAnswersDue, o.Deadline, publicURL)
			sent += n
			if err != nil {
				return sent, err
			}
		}
	}
	closed, err := s.ClosedRounds(ctx)
	if err != nil {
		return sent, err
	}
	for _, r := range closed {
		if r.Review == nil {
			continue
		}
		cs, err := s.Commitments(ctx, r.ID)
		if err != nil {
			return sent, err
		}
		for _, o := range r.Orgs {
			missing := 0
			for _, c := range cs {
				if c.OrgID == o.ID && !c.UpdatedSince(r.Review.OpenedAt) {
					missing++
				}
			}
			kind := dueReminder(now, r.Review.DueAt, r.Review.Reminded[o.ID])
			if missing == 0 || kind == "" {
				continue
			}
			n, err := s.remindOrg(ctx, send, r, o, kind, missing, MailReviewDue, r.Review.DueAt, publicURL)
			sent += n
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// dueReminder is the reminder due at now for a deadline, given those sent.
func dueReminder(now, deadline time.Time, sent []string) string {
	switch {
	case !now.Before(deadline) && !slices.Contains(sent, ReminderAt):
		return ReminderAt
	case !now.Before(deadline.Add(-ReminderLead)) && now.Before(deadline) && !slices.Contains(sent, ReminderBefore):
		return ReminderBefore
	}
	return ""
}

// markReminder records (or, with undo, takes back) that kind was sent to
// an organisation; false when another worker marked it first.
func (s *Service) markReminder(ctx context.Context, r Round, orgID, kind, mailKind string, undo bool) (bool, error) {
	changed := false
	_, err := s.update(ctx, r.ID, func(r *Round) error {
		changed = false
		var list *[]string
		if mailKind == MailReviewDue {
			if r.Review == nil {
				return nil
			}
			if r.Review.Reminded == nil {
				r.Review.Reminded = map[string][]string{}
			}
			l := r.Review.Reminded[orgID]
			list = &l
			defer func() { r.Review.Reminded[orgID] = *list }()
		} else {
			for i := range r.Orgs {
				if r.Orgs[i].ID == orgID {
					list = &r.Orgs[i].Reminded
				}
			}
			if list == nil {
				return nil
			}
		}
		has := slices.Contains(*list, kind)
		switch {
		case undo && has:
			*list = slices.DeleteFunc(*list, func(k string) bool { return k == kind })
			changed = true
		case !undo && !has:
			*list = append(*list, kind)
			changed = true
		}
		return nil
	})
	return changed, err
}

func (s *Service) remindOrg(ctx context.Context, send mail.Sender, r Round, o Org, kind string, missing int, mailKind string, due time.Time, publicURL string) (int, error) {
	ok, err := s.markReminder(ctx, r, o.ID, kind, mailKind, false)
	if err != nil || !ok {
		return 0, err
	}
	members, err := s.Directory.PanelMembers(ctx, r.PanelID)
	if err != nil {
		return 0, err
	}
	n := 0
	var sendErr error
	for _, m := range members {
		if m.Membership.Role != identity.Partner || m.Membership.OrgID != o.ID || m.Account.Email == "" {
			continue
		}
		msg := reminderMail(m.Account.Language, mailKind, kind, r.Title, o.Name, missing, due, publicURL+"/rounds/"+r.ID)
		msg.To, msg.PanelID = m.Account.Email, r.PanelID
		if err := send.Send(ctx, msg); err != nil {
			sendErr = err
			continue
		}
		n++
	}
	if sendErr != nil && n == 0 {
		if _, err := s.markReminder(ctx, r, o.ID, kind, mailKind, true); err != nil {
			return 0, err
		}
		return 0, sendErr
	}
	return n, s.event(ctx, "system", "round.reminded", orgSubject(r.ID, o.ID), map[string]any{"kind": kind, "mail": mailKind, "sent": n})
}

type mailText struct {
	Subject, Before, At, Link string
}

// mailTexts are the reminder mails, by kind then language. Partners are
// adults and staff: formal address. Placeholders: the round's title, the
// organisation, how many items or commitments, the deadline.
var mailTexts = map[string]map[string]mailText{
	MailAnswersDue: {
		"en": {"Feedback round \"%[1]s\": answers due %[4]s", "%[2]s has %[3]d items of the feedback round \"%[1]s\" still to answer. The deadline is %[4]s.",
			"The deadline of the feedback round \"%[1]s\" has come (%[4]s) and %[2]s has %[3]d items not answered. Please ask the coordinator if you need more time.", "Open the round"},
		"fr": {"Tour de retours « %[1]s » : réponses attendues le %[4]s", "%[2]s doit encore répondre à %[3]d points du tour de retours « %[1]s ». La date limite est le %[4]s.",
			"La date limite du tour de retours « %[1]s » est atteinte (%[4]s) et %[2]s n’a pas répondu à %[3]d points. Si vous avez besoin de plus de temps, adressez-vous au coordinateur.", "Ouvrir le tour"},
		"de": {"Feedbackrunde „%[1]s“: Antworten fällig am %[4]s", "%[2]s muss in der Feedbackrunde „%[1]s“ noch %[3]d Punkte beantworten. Die Frist endet am %[4]s.",
			"Die Frist der Feedbackrunde „%[1]s“ ist erreicht (%[4]s), und %[2]s hat %[3]d Punkte nicht beantwortet. Wenn Sie mehr Zeit brauchen, wenden Sie sich bitte an die Koordination.", "Runde öffnen"},
		"it": {"Giro di feedback «%[1]s»: risposte entro il %[4]s", "%[2]s deve ancora rispondere a %[3]d punti del giro di feedback «%[1]s». La scadenza è il %[4]s.",
			"La scadenza del giro di feedback «%[1]s» è arrivata (%[4]s) e %[2]s non ha risposto a %[3]d punti. Se le serve più tempo, si rivolga al coordinatore.", "Apri il giro"},
		"es": {"Ronda de respuestas «%[1]s»: respuestas para el %[4]s", "%[2]s aún tiene que responder a %[3]d puntos de la ronda de respuestas «%[1]s». El plazo termina el %[4]s.",
			"El plazo de la ronda de respuestas «%[1]s» ha llegado (%[4]s) y %[2]s no ha respondido a %[3]d puntos. Si necesita más tiempo, diríjase al coordinador.", "Abrir la ronda"},
	},
	MailReviewDue: {
		"en": {"Progress review \"%[1]s\": updates due %[4]s", "The youth panel asks %[2]s for an update on %[3]d commitments from the feedback round \"%[1]s\" by %[4]s.",
			"The progress review of \"%[1]s\" is due today (%[4]s) and %[2]s has %[3]d commitments without an update.", "Update your commitments"},
		"fr": {"Bilan des progrès « %[1]s » : mises à jour attendues le %[4]s", "Le panel de jeunes demande à %[2]s de faire le point sur %[3]d engagements du tour de retours « %[1]s » d’ici le %[4]s.",
			"Le bilan des progrès de « %[1]s » est dû aujourd’hui (%[4]s) et %[2]s a %[3]d engagements sans mise à jour.", "Mettre à jour vos engagements"},
		"de": {"Fortschrittsprüfung „%[1]s“: Aktualisierungen fällig am %[4]s", "Das Jugendpanel bittet %[2]s bis %[4]s um einen Stand zu %[3]d Zusagen aus der Feedbackrunde „%[1]s“.",
			"Die Fortschrittsprüfung zu „%[1]s“ ist heute fällig (%[4]s), und %[2]s hat %[3]d Zusagen ohne Aktualisierung.", "Zusagen aktualisieren"},
		"it": {"Verifica dei progressi «%[1]s»: aggiornamenti entro il %[4]s", "Il panel dei giovani chiede a %[2]s un aggiornamento su %[3]d impegni del giro di feedback «%[1]s» entro il %[4]s.",
			"La verifica dei progressi di «%[1]s» scade oggi (%[4]s) e %[2]s ha %[3]d impegni senza aggiornamento.", "Aggiorni i suoi impegni"},
		"es": {"Revisión del progreso «%[1]s»: actualizaciones para el %[4]s", "El panel de jóvenes pide a %[2]s que informe sobre %[3]d compromisos de la ronda de respuestas «%[1]s» antes del %[4]s.",
			"La revisión del progreso de «%[1]s» vence hoy (%[4]s) y %[2]s tiene %[3]d compromisos sin actualizar.", "Actualizar sus compromisos"},
	},
}

var reminderHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">
<p>{{.Body}}</p>
<p><a href="{{.Link}}">{{.Label}}</a></p>
</body></html>
`))

// reminderMail is one reminder in lang (English when Chorus does not speak it).
func reminderMail(lang, mailKind, kind, title, org string, missing int, due time.Time, link string) mail.Message {
	texts := mailTexts[mailKind]
	t, ok := texts[lang]
	if !ok {
		lang, t = "en", texts["en"]
	}
	day := due.UTC().Format("2006-01-02 15:04 UTC")
	body := fmt.Sprintf(t.Before, title, org, missing, day)
	if kind == ReminderAt {
		body = fmt.Sprintf(t.At, title, org, missing, day)
	}
	subject := fmt.Sprintf(t.Subject, title, org, missing, day)
	var h bytes.Buffer
	_ = reminderHTML.Execute(&h, map[string]string{"Lang": lang, "Subject": subject, "Body": body, "Link": link, "Label": t.Link})
	return mail.Message{Subject: subject, Text: body + "\n\n" + t.Link + ": " + link + "\n", HTML: h.String(), Kind: mailKind}
}
