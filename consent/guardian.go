package consent

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"chorus/fault"
	"chorus/mail/compose"
	"chorus/store"
)

// Messages for guardian links that cannot be used. They are shown as they
// are to a parent who may not know Chorus, so they say what to do next.
const (
	MsgLinkUnknown     = "This link is not valid. Check that you opened the whole link from the e-mail."
	MsgLinkExpired     = "This link has expired. Ask your child to send a new one."
	MsgLinkUsed        = "This link has already been used. To see or change your choices, use the link in your confirmation e-mail."
	MsgLinkReplaced    = "This link has been replaced by a newer one. Please use the most recent e-mail from Chorus."
	MsgAccessEnded     = "This link no longer works: your child is now 18 and manages their own consent."
	MsgNotYourDecision = "This choice is not made by a guardian for your child's age. Your child decides it."
)

// Request states.
const (
	requestPending    = "pending"
	requestUsed       = "used"
	requestSuperseded = "superseded"
)

// guardianRequest is a single-use invitation for a guardian. Only hashes of
// its tokens are stored: a leaked database gives nobody a working link.
type guardianRequest struct {
	ID                string `json:"id"`
	AccountID         string `json:"accountId"`
	TokenHash         string `json:"tokenHash"`
	ReminderTokenHash string `json:"reminderTokenHash,omitempty"` // the reminder mail carries its own token for the same request
	GuardianEmail     string `json:"guardianEmail"`
	Language          string `json:"language"`
	State             string `json:"state"`
	CreatedMS         int64  `json:"createdMs"`
	ExpiresMS         int64  `json:"expiresMs"`
	UsedMS            int64  `json:"usedMs,omitempty"`
	ReminderMS        int64  `json:"reminderMs,omitempty"`
}

// guardianAccess is the long-lived manage link a guardian gets after
// confirming. It works until the child turns 18 (or is revoked then).
type guardianAccess struct {
	ID            string `json:"id"`
	AccountID     string `json:"accountId"`
	TokenHash     string `json:"tokenHash"`
	RequestID     string `json:"requestId"`
	GuardianEmail string `json:"guardianEmail"`
	GuardianName  string `json:"guardianName"`
	Language      string `json:"language"`
	CreatedMS     int64  `json:"createdMs"`
	ValidUntilMS  int64  `json:"validUntilMs"`
	RevokedMS     int64  `json:"revokedMs,omitempty"`
	ErasedMS      int64  `json:"erasedMs,omitempty"` // the child's account was erased (EndForErasure)
}

// GuardianStatus is what the young person sees about their guardian.
type GuardianStatus string

// The guardian statuses.
const (
	GuardianNone     GuardianStatus = "none"     // no guardian has been asked
	GuardianWaiting  GuardianStatus = "waiting"  // a link was sent and still works
	GuardianApproved GuardianStatus = "approved" // the guardian answered through the link and granted something
	GuardianDeclined GuardianStatus = "declined" // the guardian answered but granted nothing
	GuardianExpired  GuardianStatus = "expired"  // the link expired unanswered: ask again
)

// GuardianScope is one scope as the guardian page shows it.
type GuardianScope struct {
	Scope        Scope   `json:"scope"`
	ShortName    string  `json:"name"`
	Text         string  `json:"guardianText"` // the guardian text in the page's language
	TextHash     string  `json:"textHash"`     // recorded with the decision
	Manager      Manager `json:"manager"`      // guardian or joint
	Verification Level   `json:"verification"`
	State        State   `json:"state"`
	// What GDPR Art. 13 asks the guardian be told before deciding: why,
	// and who receives the data (the partner organisations by name).
	Purpose    string     `json:"purpose"`
	Recipients Recipients `json:"recipients"`
	Partners   []string   `json:"partners"`
}

// HistoryEntry is one past decision as shown to a guardian or the young
// person: evidence keys and coordinator ids stay with coordinators.
type HistoryEntry struct {
	Time   time.Time `json:"time"`
	Scope  Scope     `json:"scope"`
	Action Action    `json:"action"`
	Actor  Actor     `json:"actor"`
	Method Method    `json:"method"`
	Level  Level     `json:"level,omitempty"`
}

// GuardianPage is what a guardian's link shows: the child's first name only
// (never the full name or date of birth), the scopes the guardian decides
// with their texts and current state, and the history.
type GuardianPage struct {
	ChildFirstName string          `json:"childFirstName"`
	Language       string          `json:"language"`
	ValidUntil     time.Time       `json:"validUntil"`
	Controller     Controller      `json:"controller"` // who is responsible for the data, and how to reach them (Art. 13(1)(a), (b))
	Scopes         []GuardianScope `json:"scopes"`
	History        []HistoryEntry  `json:"history"`
}

// newToken returns a random URL-safe token and its hex sha256.
func (s *Service) newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.random(), b); err != nil {
		return "", "", fault.Wrap(fault.Internal, err, "consent: no randomness")
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// wellFormedToken rejects anything newToken cannot have produced before it
// reaches the store.
func wellFormedToken(token string) bool {
	if len(token) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.PublicURL, "/") + path + token
}

// validateEmail accepts one bare address, as people type it.
func validateEmail(addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || len(addr) > 254 || !strings.Contains(addr[strings.LastIndex(addr, "@")+1:], ".") {
		return "", fault.Errorf(fault.Invalid, "Enter your guardian's e-mail address, for example name@example.org.")
	}
	return addr, nil
}

// RequestGuardian asks a guardian to consent for the young person: it
// creates a single-use link valid for RequestTTL (only its hash is stored),
// replaces any earlier unanswered link, and mails the guardian a localised
// explanation in lang that names the child by first name only.
func (s *Service) RequestGuardian(ctx context.Context, accountID, guardianEmail, lang string) error {
	if !ValidLanguage(lang) {
		return fault.Errorf(fault.Invalid, "Choose a language for your guardian's e-mail: one of %s.", strings.Join(Languages, ", "))
	}
	addr, err := validateEmail(guardianEmail)
	if err != nil {
		return err
	}
	sub, band, _, err := s.subject(ctx, accountID)
	if err != nil {
		return err
	}
	if !band.IsMinor() {
		return fault.Errorf(fault.Invalid, "You are 18 or older, so you decide for yourself: no guardian is needed.")
	}
	if strings.EqualFold(addr, strings.TrimSpace(sub.Email)) {
		return fault.Errorf(fault.Invalid, "This is your own e-mail address. Enter the address of your parent or carer.")
	}
	now := s.now()
	token, hash, err := s.newToken()
	if err != nil {
		return err
	}
	req := guardianRequest{
		ID: "gr_" + uuid.NewString(), AccountID: accountID, TokenHash: hash, GuardianEmail: addr, Language: lang,
		State: requestPending, CreatedMS: now.UnixMilli(), ExpiresMS: now.Add(RequestTTL).UnixMilli(),
	}
	// The new link replaces the unanswered ones in the same transaction,
	// so there is never a moment with two working links, or none.
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		if err := s.supersedePending(ctx, accountID); err != nil {
			return err
		}
		if err := s.insertJSON(ctx, RequestsCollection, req.ID, req); err != nil {
			return err
		}
		return s.event(ctx, accountID, "consent.guardian_requested", "account:"+accountID, map[string]any{"requestId": req.ID})
	})
	if err != nil {
		return err
	}
	msg, err := renderMail(MailGuardianRequest, lang, addr, accountID, compose.Vars{FirstName: sub.FirstName, Expires: time.UnixMilli(req.ExpiresMS), Link: s.link("/guardian/", token)})
	if err != nil {
		return err
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		return fault.Wrap(fault.Unavailable, err, "We could not send the e-mail to your guardian. Please try again in a few minutes.")
	}
	return nil
}

// supersedePending retires unanswered links of the account, so that only the
// newest mail works and the youth's status is about the latest request.
func (s *Service) supersedePending(ctx context.Context, accountID string) error {
	recs, err := s.findAll(ctx, RequestsCollection, []store.Cond{
		{Field: "accountId", Op: store.Eq, Value: accountID},
		{Field: "state", Op: store.Eq, Value: requestPending},
	})
	if err != nil {
		return err
	}
	for _, r := range recs {
		var req guardianRequest
		if err := json.Unmarshal(r.Data, &req); err != nil {
			return fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
		}
		req.State = requestSuperseded
		if err := s.updateJSON(ctx, RequestsCollection, r, req); err != nil && !fault.Is(err, fault.Conflict) {
			return err
		}
	}
	return nil
}

// loadRequest finds the request behind a link token and checks it can
// still be used.
func (s *Service) loadRequest(ctx context.Context, token string) (store.Record, guardianRequest, error) {
	var req guardianRequest
	if !wellFormedToken(token) {
		return store.Record{}, req, fault.Errorf(fault.NotFound, MsgLinkUnknown)
	}
	hash := hashToken(token)
	var rec store.Record
	found := false
	for _, field := range []string{"tokenHash", "reminderTokenHash"} {
		page, err := s.Docs.Find(ctx, RequestsCollection, store.Query{Where: []store.Cond{{Field: field, Op: store.Eq, Value: hash}}, Limit: 1})
		if err != nil {
			return store.Record{}, req, fmt.Errorf("consent: find guardian request: %w", err)
		}
		if len(page.Records) == 1 {
			rec, found = page.Records[0], true
			break
		}
	}
	if !found {
		return store.Record{}, req, fault.Errorf(fault.NotFound, MsgLinkUnknown)
	}
	if err := json.Unmarshal(rec.Data, &req); err != nil {
		return store.Record{}, req, fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
	}
	switch {
	case req.State == requestErased:
		return rec, req, fault.Errorf(fault.Invalid, MsgAccountErased)
	case req.State == requestUsed:
		return rec, req, fault.Errorf(fault.Invalid, MsgLinkUsed)
	case req.State == requestSuperseded:
		return rec, req, fault.Errorf(fault.Invalid, MsgLinkReplaced)
	case s.now().UnixMilli() >= req.ExpiresMS:
		return rec, req, fault.Errorf(fault.Invalid, MsgLinkExpired)
	}
	return rec, req, nil
}

// OpenGuardianLink returns what the guardian page needs for a link from a
// request mail. Errors: fault.NotFound for an unknown or forged token;
// fault.Invalid with MsgLinkExpired, MsgLinkUsed or MsgLinkReplaced.
func (s *Service) OpenGuardianLink(ctx context.Context, token string) (GuardianPage, error) {
	_, req, err := s.loadRequest(ctx, token)
	if err != nil {
		return GuardianPage{}, err
	}
	return s.guardianPage(ctx, req.AccountID, req.Language, time.UnixMilli(req.ExpiresMS))
}

func (s *Service) guardianPage(ctx context.Context, accountID, lang string, validUntil time.Time) (GuardianPage, error) {
	sub, band, joint, err := s.subject(ctx, accountID)
	if err != nil {
		return GuardianPage{}, err
	}
	hist, err := s.History(ctx, accountID)
	if err != nil {
		return GuardianPage{}, err
	}
	states := s.effective(hist, band, sub.Country)
	page := GuardianPage{ChildFirstName: sub.FirstName, Language: lang, ValidUntil: validUntil.UTC(), Controller: s.Controller, Scopes: []GuardianScope{}, History: []HistoryEntry{}}
	partners := []string{}
	if s.Partners != nil {
		if ps, err := s.Partners(ctx, accountID); err == nil && ps != nil {
			partners = ps
		} else if err != nil {
			return GuardianPage{}, err
		}
	}
	for _, scope := range Scopes {
		m := s.Registry.WhoManages(scope, band, joint)
		if m != ManagedByGuardian && m != ManagedByJoint {
			continue
		}
		info, _ := s.Registry.Info(scope)
		hash, _ := s.Registry.TextHash(scope, ForGuardian, lang)
		page.Scopes = append(page.Scopes, GuardianScope{
			Scope: scope, ShortName: info.ShortName[lang], Text: info.GuardianText[lang], TextHash: hash,
			Manager: m, Verification: info.Verification, State: states[scope],
			Purpose: info.Purpose[lang], Recipients: info.Recipients, Partners: partnersFor(info.Recipients, partners),
		})
	}
	for _, r := range hist {
		page.History = append(page.History, HistoryEntry{Time: r.Time, Scope: r.Scope, Action: r.Action, Actor: r.Actor, Method: r.Method, Level: r.Level})
	}
	return page, nil
}

// validateGuardianName accepts a name as a person signs a form.
func validateGuardianName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", fault.Errorf(fault.Invalid, "Enter your name (up to 100 characters) to confirm.")
	}
	return name, nil
}

// ConfirmGuardian records the guardian's decisions from a request link and
// uses the link up. For each scope in grants, true grants it (verified by the
// confirmed e-mail: scopes that need a strong method stay
// needs_verification until a coordinator records the signed form) and false
// withdraws an earlier grant of this guardian. Every input is checked before
// anything is written; a second confirm with the same link fails with
// MsgLinkUsed and changes nothing. The guardian then gets a mail with a
// manage link that works until the child turns 18.
func (s *Service) ConfirmGuardian(ctx context.Context, token, guardianName string, grants map[Scope]bool) error {
	rec, req, err := s.loadRequest(ctx, token)
	if err != nil {
		return err
	}
	name, err := validateGuardianName(guardianName)
	if err != nil {
		return err
	}
	sub, band, joint, err := s.subject(ctx, req.AccountID)
	if err != nil {
		return err
	}
	if len(grants) == 0 {
		return fault.Errorf(fault.Invalid, "Choose at least one item, then confirm.")
	}
	for scope := range grants {
		if _, err := s.Registry.Info(scope); err != nil {
			return err
		}
		if m := s.Registry.WhoManages(scope, band, joint); m != ManagedByGuardian && m != ManagedByJoint {
			return fault.Errorf(fault.Invalid, "%s", MsgNotYourDecision)
		}
	}
	hist, err := s.History(ctx, req.AccountID)
	if err != nil {
		return err
	}

	// Using the link up, the guardian's records, the manage link and the
	// event are one transaction: a failure leaves the link usable and
	// nothing recorded, so the guardian can simply confirm again.
	var access guardianAccess
	var accessToken string
	actor := "guardian:" + req.ID
	err = s.Docs.InTransaction(ctx, func(ctx context.Context) error {
		// Compare-and-set on the version makes the link single use even
		// when two confirms race.
		used := req
		used.State, used.UsedMS = requestUsed, s.now().UnixMilli()
		if err := s.updateJSON(ctx, RequestsCollection, rec, used); err != nil {
			if fault.Is(err, fault.Conflict) {
				return fault.Errorf(fault.Invalid, MsgLinkUsed)
			}
			return err
		}
		if err := s.guardianRecords(ctx, req, name, sub, band, hist, grants, actor); err != nil {
			return err
		}
		var err error
		if access, accessToken, err = s.newAccess(ctx, req, name, sub); err != nil {
			return err
		}
		return s.event(ctx, actor, "consent.guardian_confirmed", "account:"+req.AccountID, map[string]any{"requestId": req.ID, "accessId": access.ID})
	})
	if err != nil {
		return err
	}
	msg, err := renderMail(MailGuardianDone, req.Language, req.GuardianEmail, req.AccountID,
		compose.Vars{FirstName: sub.FirstName, GuardianName: name, Link: s.link("/guardian/manage/", accessToken)})
	if err != nil {
		return err
	}
	if err := s.Mail.Send(ctx, msg); err != nil {
		return fault.Wrap(fault.Unavailable, err, "Your choices are saved, but we could not send the confirmation e-mail.")
	}
	return nil
}

// guardianRecords appends the guardian's decisions of a confirm, in scope
// order, inside ConfirmGuardian's transaction.
func (s *Service) guardianRecords(ctx context.Context, req guardianRequest, name string, sub Subject, band AgeBand, hist []Record, grants map[Scope]bool, actor string) error {
	for _, scope := range Scopes {
		grant, ok := grants[scope]
		if !ok {
			continue
		}
		_, prev := latest(hist, scope)
		if !grant && (prev == nil || prev.Action == Withdrawn) {
			continue // nothing to withdraw: not granting leaves no record
		}
		action := Granted
		if !grant {
			action = Withdrawn
		}
		hash, _ := s.Registry.TextHash(scope, ForGuardian, req.Language)
		rec := Record{
			AccountID: req.AccountID, Scope: scope, Action: action, Actor: ByGuardian,
			GuardianEmail: req.GuardianEmail, GuardianName: name,
			Method: MethodEmailConfirmed, Level: MethodEmailConfirmed.Level(),
			TextHash: hash, Audience: ForGuardian, Language: req.Language,
			Country: normCountry(sub.Country), Band: band,
		}
		now := s.now()
		rec.Time, rec.TimeMS = now.UTC(), now.UnixMilli()
		if err := s.insertRecord(ctx, &rec, actor); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) newAccess(ctx context.Context, req guardianRequest, name string, sub Subject) (guardianAccess, string, error) {
	token, hash, err := s.newToken()
	if err != nil {
		return guardianAccess{}, "", err
	}
	by := sub.BirthDate.Year()
	a := guardianAccess{
		ID: "ga_" + uuid.NewString(), AccountID: req.AccountID, TokenHash: hash, RequestID: req.ID,
		GuardianEmail: req.GuardianEmail, GuardianName: name, Language: req.Language,
		CreatedMS:    s.now().UnixMilli(),
		ValidUntilMS: BirthdayOf(sub.BirthDate, by+AdultAge).UnixMilli(),
	}
	return a, token, s.insertJSON(ctx, AccessCollection, a.ID, a)
}

// loadAccess finds a manage link and checks it still works.
func (s *Service) loadAccess(ctx context.Context, token string) (store.Record, guardianAccess, error) {
	var a guardianAccess
	if !wellFormedToken(token) {
		return store.Record{}, a, fault.Errorf(fault.NotFound, MsgLinkUnknown)
	}
	page, err := s.Docs.Find(ctx, AccessCollection, store.Query{Where: []store.Cond{{Field: "tokenHash", Op: store.Eq, Value: hashToken(token)}}, Limit: 1})
	if err != nil {
		return store.Record{}, a, fmt.Errorf("consent: find guardian access: %w", err)
	}
	if len(page.Records) == 0 {
		return store.Record{}, a, fault.Errorf(fault.NotFound, MsgLinkUnknown)
	}
	if err := json.Unmarshal(page.Records[0].Data, &a); err != nil {
		return store.Record{}, a, fault.Wrap(fault.Internal, err, "consent: corrupt guardian access")
	}
	if a.ErasedMS != 0 {
		return page.Records[0], a, fault.Errorf(fault.Invalid, MsgAccountErased)
	}
	if a.RevokedMS != 0 || s.now().UnixMilli() >= a.ValidUntilMS {
		return page.Records[0], a, fault.Errorf(fault.Invalid, MsgAccessEnded)
	}
	return page.Records[0], a, nil
}

// OpenGuardianAccess returns the guardian page for a manage link (from the
// confirmation mail). Errors: fault.NotFound for an unknown token,
// fault.Invalid with MsgAccessEnded once the child is 18.
func (s *Service) OpenGuardianAccess(ctx context.Context, token string) (GuardianPage, error) {
	_, a, err := s.loadAccess(ctx, token)
	if err != nil {
		return GuardianPage{}, err
	}
	return s.guardianPage(ctx, a.AccountID, a.Language, time.UnixMilli(a.ValidUntilMS))
}

// GuardianGrant grants scope through a manage link. As in ConfirmGuardian,
// scopes that need strong verification wait for it.
func (s *Service) GuardianGrant(ctx context.Context, token string, scope Scope) (Record, error) {
	return s.guardianDecide(ctx, token, scope, Granted)
}

// GuardianWithdraw withdraws scope through a manage link; it is as easy as
// granting (GDPR Art. 7(3)) and counts from the next Effective call.
func (s *Service) GuardianWithdraw(ctx context.Context, token string, scope Scope) (Record, error) {
	return s.guardianDecide(ctx, token, scope, Withdrawn)
}

func (s *Service) guardianDecide(ctx context.Context, token string, scope Scope, action Action) (Record, error) {
	_, a, err := s.loadAccess(ctx, token)
	if err != nil {
		return Record{}, err
	}
	hash, err := s.Registry.TextHash(scope, ForGuardian, a.Language)
	if err != nil {
		return Record{}, err
	}
	sub, band, joint, err := s.subject(ctx, a.AccountID)
	if err != nil {
		return Record{}, err
	}
	if m := s.Registry.WhoManages(scope, band, joint); m != ManagedByGuardian && m != ManagedByJoint {
		return Record{}, fault.Errorf(fault.Forbidden, "%s", MsgNotYourDecision)
	}
	return s.appendRecord(ctx, Record{
		AccountID: a.AccountID, Scope: scope, Action: action, Actor: ByGuardian,
		GuardianEmail: a.GuardianEmail, GuardianName: a.GuardianName,
		Method: MethodEmailConfirmed, Level: MethodEmailConfirmed.Level(),
		TextHash: hash, Audience: ForGuardian, Language: a.Language,
		Country: normCountry(sub.Country), Band: band,
	}, "guardian:"+a.ID)
}

// GuardianExport returns the child's consent records (ExportRecords) through
// a manage link, so a guardian can take the record with them.
func (s *Service) GuardianExport(ctx context.Context, token string) ([]byte, error) {
	_, a, err := s.loadAccess(ctx, token)
	if err != nil {
		return nil, err
	}
	return s.ExportRecords(ctx, a.AccountID)
}

// GuardianState tells the young person where their guardian request stands.
// The latest request decides: a new request replaces older ones.
func (s *Service) GuardianState(ctx context.Context, accountID string) (GuardianStatus, error) {
	page, err := s.Docs.Find(ctx, RequestsCollection, store.Query{
		Where:   []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}},
		OrderBy: "createdMs", Desc: true, Limit: 1,
	})
	if err != nil {
		return "", fmt.Errorf("consent: guardian state: %w", err)
	}
	if len(page.Records) == 0 {
		return GuardianNone, nil
	}
	var req guardianRequest
	if err := json.Unmarshal(page.Records[0].Data, &req); err != nil {
		return "", fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
	}
	switch {
	case req.State == requestUsed:
		hist, err := s.History(ctx, accountID)
		if err != nil {
			return "", err
		}
		for _, r := range hist {
			if r.Actor == ByGuardian && r.Action == Granted && r.TimeMS >= req.CreatedMS {
				return GuardianApproved, nil
			}
		}
		return GuardianDeclined, nil
	case req.State == requestPending && s.now().UnixMilli() < req.ExpiresMS:
		return GuardianWaiting, nil
	case req.State == requestPending:
		return GuardianExpired, nil
	}
	return GuardianNone, nil
}

// SendReminders mails one reminder for every unanswered request that
// expires within ReminderWindow and has not had one, and returns how many it
// sent. Running it again sends nothing new. Because only token hashes are
// stored, the reminder carries a fresh token for the same request (both
// links work until the request is used or expires).
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	now := s.now()
	recs, err := s.findAll(ctx, RequestsCollection, []store.Cond{
		{Field: "state", Op: store.Eq, Value: requestPending},
		{Field: "expiresMs", Op: store.Gt, Value: now.UnixMilli()},
		{Field: "expiresMs", Op: store.Lte, Value: now.Add(ReminderWindow).UnixMilli()},
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range recs {
		var req guardianRequest
		if err := json.Unmarshal(r.Data, &req); err != nil {
			return sent, fault.Wrap(fault.Internal, err, "consent: corrupt guardian request")
		}
		if req.ReminderMS != 0 {
			continue
		}
		sub, err := s.Subjects.FindSubject(ctx, req.AccountID)
		if err != nil {
			return sent, err
		}
		token, hash, err := s.newToken()
		if err != nil {
			return sent, err
		}
		// Claim the reminder before sending (compare-and-set), so that two
		// workers never both send it.
		claimed := req
		claimed.ReminderMS, claimed.ReminderTokenHash = now.UnixMilli(), hash
		if err := s.updateJSON(ctx, RequestsCollection, r, claimed); err != nil {
			if fault.Is(err, fault.Conflict) {
				continue
			}
			return sent, err
		}
		msg, err := renderMail(MailGuardianReminder, req.Language, req.GuardianEmail, req.AccountID,
			compose.Vars{FirstName: sub.FirstName, Expires: time.UnixMilli(req.ExpiresMS), Link: s.link("/guardian/", token)})
		if err != nil {
			return sent, err
		}
		if err := s.Mail.Send(ctx, msg); err != nil {
			// At most once: a reminder is a courtesy, and retrying could
			// send it twice. The original link still works.
			return sent, fault.Wrap(fault.Unavailable, err, "consent: reminder not sent")
		}
		sent++
	}
	return sent, nil
}

// RecordSignedForm records that a coordinator checked a signed consent form
// (uploaded to the blob store under blobKey) for the guardian's latest grant
// of scope, which raises it to the strong verification level. Deciding that
// coordinatorID may do this for the account is the policy module's job.
// It returns fault.Invalid when there is no guardian grant to verify.
func (s *Service) RecordSignedForm(ctx context.Context, coordinatorID, accountID string, scope Scope, blobKey string) (Record, error) {
	if strings.TrimSpace(coordinatorID) == "" || strings.TrimSpace(blobKey) == "" {
		return Record{}, fault.Errorf(fault.Invalid, "Upload the signed form before recording that you checked it.")
	}
	return s.verifyGuardianGrant(ctx, accountID, scope, MethodSignedFormChecked, blobKey, coordinatorID, "", coordinatorID)
}

// verifyGuardianGrant appends a verified copy of the guardian's latest
// grant of scope. The guardian's grant is repeated rather than edited: the
// ledger stays append-only and shows when the verification happened.
func (s *Service) verifyGuardianGrant(ctx context.Context, accountID string, scope Scope, method Method, evidence, recordedBy, guardianEmail, eventActor string) (Record, error) {
	if _, err := s.Registry.Info(scope); err != nil {
		return Record{}, err
	}
	sub, band, _, err := s.subject(ctx, accountID)
	if err != nil {
		return Record{}, err
	}
	hist, err := s.History(ctx, accountID)
	if err != nil {
		return Record{}, err
	}
	_, g := latest(hist, scope)
	if g == nil || g.Action != Granted || (guardianEmail != "" && !strings.EqualFold(g.GuardianEmail, guardianEmail)) {
		return Record{}, fault.Errorf(fault.Invalid, "There is no guardian grant of %q to verify. The guardian must first choose it through their link.", scope)
	}
	v := *g
	v.Method, v.Level, v.Evidence, v.RecordedBy = method, method.Level(), evidence, recordedBy
	v.Country, v.Band = normCountry(sub.Country), band
	return s.appendRecord(ctx, v, eventActor)
}

// event appends a domain event for the audit trail. Callers write it in
// the transaction of the change it reports, so neither stands without the
// other.
func (s *Service) event(ctx context.Context, actor, typ, subject string, data map[string]any) error {
	var payload json.RawMessage
	if data != nil {
		var err error
		if payload, err = json.Marshal(data); err != nil {
			return fault.Wrap(fault.Internal, err, "consent: encode event")
		}
	}
	if _, err := s.Docs.AppendEvent(ctx, store.Event{Time: s.now(), Actor: actor, Type: typ, Subject: subject, Data: payload}); err != nil {
		return fmt.Errorf("consent: append %s: %w", typ, err)
	}
	return nil
}

func (s *Service) insertJSON(ctx context.Context, collection, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "consent: encode "+collection)
	}
	if _, err := s.Docs.Insert(ctx, collection, store.Record{ID: id, Data: data}); err != nil {
		return fmt.Errorf("consent: insert into %s: %w", collection, err)
	}
	return nil
}

func (s *Service) updateJSON(ctx context.Context, collection string, old store.Record, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "consent: encode "+collection)
	}
	if _, err := s.Docs.Update(ctx, collection, store.Record{ID: old.ID, Version: old.Version, Data: data}); err != nil {
		return fmt.Errorf("consent: update %s: %w", collection, err)
	}
	return nil
}

func (s *Service) findAll(ctx context.Context, collection string, where []store.Cond) ([]store.Record, error) {
	var out []store.Record
	q := store.Query{Where: where, Limit: store.MaxLimit}
	for {
		page, err := s.Docs.Find(ctx, collection, q)
		if err != nil {
			return nil, fmt.Errorf("consent: find in %s: %w", collection, err)
		}
		out = append(out, page.Records...)
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// partnersFor names the partner organisations that receive a scope's data.
func partnersFor(r Recipients, partners []string) []string {
	if r == ToGroup {
		return []string{}
	}
	return partners
}
