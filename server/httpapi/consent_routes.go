package httpapi

import (
	"context"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"chorus/access"
	"chorus/auth"
	"chorus/consent"
	"chorus/erasure"
	"chorus/fault"
	"chorus/mail"
	"chorus/mail/outbox"
	"chorus/policy"
	"chorus/store"
)

// MaxConsentFormBytes bounds an uploaded signed consent form (a scan or PDF).
const MaxConsentFormBytes = 8 << 20

func (a *API) consentRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/me/consents", a.getMyConsents},
		{fiber.MethodPost, "/api/me/consents/:scope/grant", a.postMyConsentGrant},
		{fiber.MethodPost, "/api/me/consents/:scope/withdraw", a.postMyConsentWithdraw},
		{fiber.MethodPost, "/api/me/guardian", a.postMyGuardian},
		{fiber.MethodGet, "/api/me/consents/export", a.getMyConsentExport},
		{fiber.MethodGet, "/api/me/export", a.getMyExport},
		{fiber.MethodPost, "/api/me/erase", a.postMyErase},
		// manage/ before :token: Fiber matches in registration order.
		{fiber.MethodGet, "/api/guardian/manage/:token", a.getGuardianManage},
		{fiber.MethodPost, "/api/guardian/manage/:token/scopes/:scope/grant", a.postGuardianGrant},
		{fiber.MethodPost, "/api/guardian/manage/:token/scopes/:scope/withdraw", a.postGuardianWithdraw},
		{fiber.MethodGet, "/api/guardian/manage/:token/export", a.getGuardianExport},
		{fiber.MethodPost, "/api/guardian/manage/:token/deletion-request", a.postGuardianDeletionRequest},
		{fiber.MethodGet, "/api/guardian/:token", a.getGuardianLink},
		{fiber.MethodPost, "/api/guardian/:token/confirm", a.postGuardianConfirm},
		{fiber.MethodGet, "/api/accounts/:id/consents", a.getAccountConsents},
		{fiber.MethodGet, "/api/accounts/:id/consents/export", a.getAccountConsentExport},
		{fiber.MethodPost, "/api/accounts/:id/consent-forms", a.postConsentForm},
		{fiber.MethodGet, "/api/outbox", a.getOutbox},
	}
}

// scopeView is one scope as the youth's consent page shows it.
type scopeView struct {
	Scope     consent.Scope   `json:"scope"`
	Name      string          `json:"name"`
	YouthText string          `json:"youthText"`
	ManagedBy consent.Manager `json:"managedBy"`
	State     consent.State   `json:"state"`
}

func (a *API) getMyConsents(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	acc := cl.Account
	if err := allowed(cl, policy.ConsentViewLedger, policy.Resource{Kind: policy.KindConsent, OwnerID: acc.ID}); err != nil {
		return err
	}
	ctx := c.UserContext()
	cs := a.people.Consent
	states := map[consent.Scope]consent.State{}
	if acc.BirthDate != "" {
		if states, err = cs.Effective(ctx, acc.ID, cl.Subject.Band, acc.Country); err != nil {
			return err
		}
	}
	joint := cs.Ages.Joint(cl.Subject.Band, acc.Country)
	// The texts follow the language the person reads Chorus in now, which
	// may differ from their account's (that one is for e-mails).
	lang := languageOf(c)
	scopes := make([]scopeView, 0, len(consent.Scopes))
	for _, sc := range consent.Scopes {
		info, err := cs.Registry.Info(sc)
		if err != nil {
			return err
		}
		text, err := cs.Registry.Text(sc, consent.ForYouth, lang)
		if err != nil {
			return err
		}
		st := states[sc]
		if st == "" {
			st = consent.StateNotGranted
		}
		scopes = append(scopes, scopeView{Scope: sc, Name: pick(info.ShortName, lang), YouthText: text,
			ManagedBy: cs.Registry.WhoManages(sc, cl.Subject.Band, joint), State: st})
	}
	history, err := cs.History(ctx, acc.ID)
	if err != nil {
		return err
	}
	if history == nil {
		history = []consent.Record{}
	}
	guardian, err := cs.GuardianState(ctx, acc.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"scopes": scopes, "guardian": guardian, "history": history})
}

func pick(texts map[string]string, lang string) string {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts["en"]
}

// scopeParam reads a scope from the path; unknown scopes are a clear error.
func scopeParam(c *fiber.Ctx) (consent.Scope, error) {
	sc := consent.Scope(c.Params("scope"))
	for _, known := range consent.Scopes {
		if sc == known {
			return sc, nil
		}
	}
	return "", fault.Errorf(fault.Invalid, "There is no consent called %q.", sc)
}

func (a *API) postMyConsentGrant(c *fiber.Ctx) error {
	return a.decideMyConsent(c, policy.ConsentGrantSelf, a.people.Consent.Grant)
}

func (a *API) postMyConsentWithdraw(c *fiber.Ctx) error {
	return a.decideMyConsent(c, policy.ConsentWithdrawSelf, a.people.Withdraw) // with what it does to the person's content
}

func (a *API) decideMyConsent(c *fiber.Ctx, act policy.Action, decide func(context.Context, string, consent.Scope, string) (consent.Record, error)) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	sc, err := scopeParam(c)
	if err != nil {
		return err
	}
	if err := allowed(cl, act, policy.Resource{Kind: policy.KindConsent, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	// The record names the language of the text the person read: the one they read Chorus in.
	rec, err := decide(c.UserContext(), cl.Account.ID, sc, languageOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"record": rec})
}

func (a *API) postMyGuardian(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.ConsentViewLedger, policy.Resource{Kind: policy.KindConsent, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	if cl.Account.BirthDate == "" {
		return fault.Errorf(fault.Invalid, "Only young people's accounts have a guardian.")
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	// A guardian's mailbox is not to be flooded, nor Chorus used to.
	ctx := c.UserContext()
	if err := limited(ctx, c, a.people.MailPerSource, "guardian_from", cl.Account.ID); err != nil {
		return err
	}
	if err := limited(ctx, c, a.people.MailPerTarget, "guardian_to", strings.ToLower(strings.TrimSpace(in.Email))); err != nil {
		return err
	}
	if err := a.people.Consent.RequestGuardian(c.UserContext(), cl.Account.ID, in.Email, cl.Account.Language); err != nil {
		return err
	}
	return c.SendStatus(http.StatusAccepted)
}

func (a *API) getMyConsentExport(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.ConsentViewLedger, policy.Resource{Kind: policy.KindConsent, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	b, err := a.people.Consent.ExportRecords(c.UserContext(), cl.Account.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="chorus-consent-records.json"`)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

// getMyExport is "export my data": a zip of the account, memberships and
// consent records, readable by people and programs.
func (a *API) getMyExport(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.AccountExportOwn, policy.Resource{Kind: policy.KindAccount, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	ctx := c.UserContext()
	zipped, err := a.exportZip(ctx, cl, languageOf(c))
	if err != nil {
		return err
	}
	if err := a.event(ctx, cl.Account.ID, "account.exported", "account:"+cl.Account.ID); err != nil {
		return err
	}
	return sendZip(c, "chorus-my-data.zip", zipped)
}

func sendZip(c *fiber.Ctx, name string, b []byte) error {
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderContentType, "application/zip")
	return c.Send(b)
}

// exportZip is everything about a person (package access): the account as
// the app shows it, their consent records, contributions and the
// moderation records about them, in JSON and an HTML summary in lang.
func (a *API) exportZip(ctx context.Context, cl caller, lang string) ([]byte, error) {
	me, err := a.me(ctx, cl)
	if err != nil {
		return nil, err
	}
	return a.people.Access.Zip(ctx, access.Person{AccountID: cl.Account.ID, Name: cl.Account.DisplayName, Email: cl.Account.Email,
		Country: cl.Account.Country, Account: me}, lang)
}

// postMyErase erases the account after the password is confirmed, as the
// README's retention table says: the person can no longer sign in, their
// name, e-mail and words are gone. The consent ledger stays, pseudonymised:
// it is the proof of consent the law asks for.
func (a *API) postMyErase(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.AccountEraseOwn, policy.Resource{Kind: policy.KindAccount, OwnerID: cl.Account.ID}); err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	hash, err := a.people.Identity.PasswordHash(ctx, cl.Account.ID)
	if err != nil {
		return err
	}
	if ok, err := auth.VerifyPassword(in.Password, hash); err != nil || !ok {
		return fault.Errorf(fault.Forbidden, "That password is not right. Your account was not erased.")
	}
	if _, err := a.people.Erasure.Erase(ctx, erasure.Input{AccountID: cl.Account.ID, Actor: cl.Account.ID}); err != nil {
		return err
	}
	a.clearSessionCookies(c)
	return c.SendStatus(http.StatusNoContent)
}

func (a *API) event(ctx context.Context, actor, typ, subject string) error {
	_, err := a.people.Identity.Docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: subject})
	return err
}

// --- guardians (no account: the token in the link is the credential) ---

func (a *API) getGuardianLink(c *fiber.Ctx) error {
	page, err := a.people.Consent.OpenGuardianLink(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (a *API) postGuardianConfirm(c *fiber.Ctx) error {
	var in struct {
		GuardianName string                 `json:"guardianName"`
		Grants       map[consent.Scope]bool `json:"grants"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := a.people.Consent.ConfirmGuardian(c.UserContext(), c.Params("token"), in.GuardianName, in.Grants); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "confirmed"})
}

func (a *API) getGuardianManage(c *fiber.Ctx) error {
	page, err := a.people.Consent.OpenGuardianAccess(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (a *API) postGuardianGrant(c *fiber.Ctx) error {
	return a.guardianDecides(c, a.people.Consent.GuardianGrant)
}

func (a *API) postGuardianWithdraw(c *fiber.Ctx) error {
	return a.guardianDecides(c, a.people.GuardianWithdraw) // with what it does to the child's content
}

func (a *API) guardianDecides(c *fiber.Ctx, decide func(context.Context, string, consent.Scope) (consent.Record, error)) error {
	sc, err := scopeParam(c)
	if err != nil {
		return err
	}
	rec, err := decide(c.UserContext(), c.Params("token"), sc)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"record": rec})
}

// getGuardianExport gives the guardian the child's data, as the child's own
// export does; it is recorded in the audit trail.
func (a *API) getGuardianExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	who, err := a.people.Consent.GuardianContact(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	accountID := who.AccountID
	child, err := a.callerFor(ctx, accountID)
	if err != nil {
		return err
	}
	zipped, err := a.exportZip(ctx, child, who.Language)
	if err != nil {
		return err
	}
	if err := a.event(ctx, "guardian", "account.exported_by_guardian", "account:"+accountID); err != nil {
		return err
	}
	return sendZip(c, "chorus-child-data.zip", zipped)
}

// postGuardianDeletionRequest records the guardian's request to delete the
// child's data (due within one month, GDPR Art. 12(3)), tells the
// coordinators of the child's panels, who carry it out, and acknowledges it
// to the guardian with the date. Asking again while it is open changes
// nothing and acknowledges nothing again.
func (a *API) postGuardianDeletionRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	who, err := a.people.Consent.GuardianContact(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	req, created, err := a.people.Erasure.RequestDeletion(ctx, who.AccountID, "guardian")
	if err != nil {
		return err
	}
	due := time.UnixMilli(req.DueMS).UTC()
	if created {
		if err := a.people.Consent.AcknowledgeDeletion(ctx, who, due); err != nil {
			return err
		}
	}
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"status": "requested", "dueAt": due})
}

// --- moderators and coordinators ---

// youthPanels returns the panels account id is a member of, for deciding
// whether a supervisor may act on that youth.
func (a *API) youthResource(ctx context.Context, cl caller, act policy.Action, accountID string) error {
	return a.youthResourceAs(ctx, cl, act, policy.KindConsent, accountID)
}

// youthResourceAs is youthResource for a resource of kind: whether cl may
// act on the person accountID in one of the person's panels.
func (a *API) youthResourceAs(ctx context.Context, cl caller, act policy.Action, kind policy.Kind, accountID string) error {
	ms, err := a.people.Identity.Memberships(ctx, accountID)
	if err != nil {
		return err
	}
	if len(ms) == 0 { // erased: where they were is in the erasure record
		if rec, err := a.people.Erasure.Erased(ctx, accountID); err == nil {
			ms = rec.Places
		} else if !fault.Is(err, fault.NotFound) {
			return err
		}
	}
	var last error = fault.Errorf(fault.NotFound, "There is no such person in your panels.")
	for _, m := range ms {
		err := allowed(cl, act, policy.Resource{Kind: kind, OwnerID: accountID, CentreID: m.CentreID, PanelID: m.PanelID, GroupID: m.GroupID})
		if err == nil {
			return nil
		}
		last = err
	}
	if cl.Account.ID == accountID {
		return allowed(cl, act, policy.Resource{Kind: kind, OwnerID: accountID})
	}
	return last
}

func (a *API) getAccountConsents(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("id")
	if err := a.youthResource(ctx, cl, policy.ConsentViewLedger, id); err != nil {
		return err
	}
	history, err := a.people.Consent.History(ctx, id)
	if err != nil {
		return err
	}
	if history == nil {
		history = []consent.Record{}
	}
	states, err := a.people.Consent.EffectiveFor(ctx, id)
	if err != nil {
		return err
	}
	out := fiber.Map{"consents": states, "history": history}
	// After an erasure the ledger stays the controller's proof, naming nobody.
	if rec, err := a.people.Erasure.Erased(ctx, id); err == nil {
		out["history"] = consent.Pseudonymise(history)
		out["erased"] = fiber.Map{"at": time.UnixMilli(rec.StartedMS).UTC(), "onBehalf": rec.OnBehalf}
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	return c.JSON(out)
}

// getAccountConsentExport is the person's consent records for their
// panel's coordinators, as ISO/IEC TS 27560 JSON: the controller's proof of
// consent, pseudonymised once the account is erased. It is recorded in
// the audit trail.
func (a *API) getAccountConsentExport(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("id")
	if err := a.youthResource(ctx, cl, policy.ConsentViewLedger, id); err != nil {
		return err
	}
	export := a.people.Consent.ExportRecords
	if _, err := a.people.Erasure.Erased(ctx, id); err == nil {
		export = a.people.Consent.ExportPseudonymised
	} else if !fault.Is(err, fault.NotFound) {
		return err
	}
	b, err := export(ctx, id)
	if err != nil {
		return err
	}
	if err := a.event(ctx, cl.Account.ID, "consent.ledger_exported", "account:"+id); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="chorus-consent-records-`+id+`.json"`)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

// Signed consent forms may be scans or PDFs; nothing else is accepted.
var consentFormTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

func (a *API) postConsentForm(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	id := c.Params("id")
	if err := a.youthResource(ctx, cl, policy.ConsentRecordSignedForm, id); err != nil {
		return err
	}
	sc := consent.Scope(c.FormValue("scope"))
	if _, err := a.people.Consent.Registry.Info(sc); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return fault.Errorf(fault.Invalid, "Attach the signed form as a file.")
	}
	if fh.Size > MaxConsentFormBytes {
		return fault.Errorf(fault.TooLarge, "The form is too large: at most 8 MB.")
	}
	ctype, _, _ := mime.ParseMediaType(fh.Header.Get(fiber.HeaderContentType))
	ext, ok := consentFormTypes[ctype]
	if !ok {
		return fault.Errorf(fault.Invalid, "Upload the signed form as a PDF, JPEG or PNG file.")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	key := path.Join("consent-forms", id, uuid.NewString()+ext)
	if _, err := a.people.Blobs.Put(ctx, key, io.LimitReader(f, MaxConsentFormBytes), ctype); err != nil {
		return err
	}
	rec, err := a.people.Consent.RecordSignedForm(ctx, cl.Account.ID, id, sc, key)
	if err != nil {
		_ = a.people.Blobs.Delete(ctx, key) // nothing half-done stays behind
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"record": rec})
}

// heldMail is a held message as the outbox page shows it: that it is
// waiting, its kind, the recipient's domain and when. To, Subject and Text
// are there only in the demo (RevealHeldMail): the links in a held mail
// work for whoever reads them, so nobody but the recipient may see them.
type heldMail struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	ToDomain string `json:"toDomain"`
	Time     string `json:"time"`
	To       string `json:"to,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Text     string `json:"text,omitempty"`
}

// getOutbox lists the mail held when no SMTP server is set, for the
// coordinators of the panels it is about (outbox.view): a demo or a trial
// follows what was sent. Outbox mode is for trying Chorus, never for real
// minors.
func (a *API) getOutbox(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	if a.people.Outbox == nil {
		return fault.Errorf(fault.NotFound, "Mail is sent by the mail server; nothing is held here.")
	}
	panels := []string{}
	for _, m := range cl.Subject.Memberships {
		if m.PanelID != "" && !slices.Contains(panels, m.PanelID) &&
			policy.Decide(cl.Subject, policy.OutboxView, policy.Resource{Kind: policy.KindOutbox, CentreID: m.CentreID, PanelID: m.PanelID}).Allow {
			panels = append(panels, m.PanelID)
		}
	}
	if len(panels) == 0 { // explained with the caller's own panel ("your role doesn't let you")
		r := policy.Resource{Kind: policy.KindOutbox}
		for _, m := range cl.Subject.Memberships {
			if m.PanelID != "" {
				r.CentreID, r.PanelID = m.CentreID, m.PanelID
				break
			}
		}
		return policy.Check(cl.Subject, policy.OutboxView, r)
	}
	page, err := a.people.Outbox.List(c.UserContext(), outbox.Query{Panels: panels, Limit: 100})
	if err != nil {
		return err
	}
	out := make([]heldMail, 0, len(page.Entries))
	for _, e := range page.Entries {
		h := heldMail{ID: e.ID, Kind: e.Message.Kind, ToDomain: mail.Domain(e.Message.To), Time: e.At.UTC().Format("2006-01-02T15:04:05Z")}
		if a.people.RevealHeldMail {
			h.To, h.Subject, h.Text = e.Message.To, e.Message.Subject, strings.TrimSpace(e.Message.Text)
		}
		out = append(out, h)
	}
	return c.JSON(fiber.Map{"messages": out, "revealed": a.people.RevealHeldMail})
}
