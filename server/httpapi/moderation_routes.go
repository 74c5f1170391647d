package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/consent"
	"chorus/fault"
	"chorus/identity"
	"chorus/mail"
	"chorus/mail/compose"
	"chorus/moderation"
	"chorus/moderation/helpline"
	"chorus/pledge"
	"chorus/policy"
)

// Moderation over HTTP (issue 5): the queue, cases and the actions on them,
// reports by anyone who can see content, sanctions, and the audit trail.
// Every decision about who may do what is the policy's; package moderation
// keeps the record. The content itself is reached through the registry in
// moderation_content.go.

func (a *API) moderationRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/moderation/queue", a.getModerationQueue},
		{fiber.MethodGet, "/api/moderation/cases/:id", a.getModerationCase},
		{fiber.MethodPost, "/api/moderation/cases/:id/actions", a.postModerationAction},
		{fiber.MethodPost, "/api/reports", a.postReport},
		{fiber.MethodGet, "/api/helpline", a.getHelpline},
		{fiber.MethodGet, "/api/moderation/sanctions", a.getSanctions},
		{fiber.MethodPost, "/api/moderation/sanctions", a.postSanction},
		{fiber.MethodPost, "/api/moderation/sanctions/:id/lift", a.postSanctionLift},
		{fiber.MethodGet, "/api/moderation/audit", a.getAudit},
		{fiber.MethodGet, "/api/moderation/audit.csv", a.getAuditCSV},
		{fiber.MethodGet, "/api/me/waiting", a.getMyWaiting},
	}
}

// waitingView is something of the caller's that waits for them: content a
// moderator sent back with a message, named by what it belongs to.
type waitingView struct {
	ContentType string `json:"contentType"`
	ContentID   string `json:"contentId"`
	Title       string `json:"title"`
	Link        string `json:"link,omitempty"`
	Message     string `json:"message,omitempty"`
}

// getMyWaiting lists the caller's own content that a moderator asked them
// to change, in their panels (their home's "what waits for me"). Content
// that is gone meanwhile waits for nobody.
func (a *API) getMyWaiting(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	out := []waitingView{}
	if a.people.Moderation == nil {
		return c.JSON(fiber.Map{"waiting": out})
	}
	ctx := c.UserContext()
	var panels []string
	for _, m := range cl.Subject.Memberships {
		if m.PanelID != "" && !slices.Contains(panels, m.PanelID) {
			panels = append(panels, m.PanelID)
		}
	}
	cases, err := a.people.Moderation.WaitingForAuthor(ctx, panels, cl.Account.ID)
	if err != nil {
		return err
	}
	for _, cs := range cases {
		kind, ok := a.people.Moderation.Kind(cs.Content.Type)
		if !ok {
			continue
		}
		info, err := kind.Resolve(ctx, cs.Content.ID)
		if fault.Is(err, fault.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		out = append(out, waitingView{ContentType: cs.Content.Type, ContentID: cs.Content.ID, Title: info.Title, Link: info.Link, Message: cs.ChangesMessage})
	}
	return c.JSON(fiber.Map{"waiting": out})
}

// Limits of this transport.
const (
	maxAuditExport = 100_000 // audit rows in one CSV download
)

// --- sanctions enforced on every request ---

// untilText is how a sanction's end is shown in a message: unambiguous in
// every language, in UTC.
func untilText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// withoutSuspended takes away, for this request, the caller's memberships
// of panels where they are suspended: a suspension holds within the scope
// of whoever gave it, one panel, and the person keeps their other panels.
// Someone suspended in every panel they belong to is told why nothing
// works, and until when.
func (a *API) withoutSuspended(ctx context.Context, cl *caller) error {
	if a.people.Moderation == nil {
		return nil
	}
	suspended, err := a.people.Moderation.SuspendedPanels(ctx, cl.Account.ID, a.people.Now())
	if err != nil || len(suspended) == 0 {
		return err
	}
	kept := cl.Subject.Memberships[:0:0]
	var until time.Time
	forever, dropped := false, false
	for _, m := range cl.Subject.Memberships {
		end, ok := suspended[m.PanelID]
		if !ok || m.PanelID == "" {
			kept = append(kept, m)
			continue
		}
		dropped = true
		forever = forever || end.IsZero()
		if end.After(until) {
			until = end
		}
	}
	cl.Subject.Memberships = kept
	switch {
	case !dropped || len(kept) > 0:
		return nil
	case forever:
		return fault.Errorf(fault.Forbidden, "Your account is paused by a moderator. A coordinator of your panel can tell you more.")
	}
	return fault.Errorf(fault.Forbidden, "Your account is paused by a moderator until %s.", untilText(until))
}

// notMuted refuses act in groupID's space when it writes there (the
// policy says which actions do) and a moderator muted the caller there:
// reading goes on.
func (a *API) notMuted(ctx context.Context, cl caller, act policy.Action, groupID string) error {
	if a.people.Moderation == nil || groupID == "" || !act.WritesIntoGroupSpace() {
		return nil
	}
	muted, until, err := a.people.Moderation.Muted(ctx, cl.Account.ID, groupID, a.people.Now())
	if err != nil || !muted {
		return err
	}
	return fault.Errorf(fault.Forbidden, "A moderator paused your posting in this group until %s. You can still read everything here.", untilText(until))
}

// moderationTopic allows the live feed of a panel's moderation
// (moderation:<panelId>) to those who may see its queue: the feed says who
// reported whom and why.
func (t *TopicPolicy) moderationTopic(ctx context.Context, s policy.Subject, id string) error {
	p, err := t.api.people.Identity.Panel(ctx, id)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.ModerationQueueView, policy.Resource{Kind: policy.KindPanel, PanelID: p.ID, CentreID: p.OrgID})
}

// --- queue and cases ---

// panelsFor is the panel of ?panelId= when the caller may do act there, or,
// without it, every panel of the caller's where they may. act applies to a
// panel-wide resource (moderation.queue_view, audit.view, audit.export).
func (a *API) panelsFor(ctx context.Context, cl caller, act policy.Action, panelID string) ([]string, error) {
	if panelID != "" {
		p, err := seen(a.people.Identity.Panel(ctx, panelID))
		if err != nil {
			return nil, err
		}
		if err := allowed(cl, act, policy.Resource{Kind: act.Kind(), PanelID: p.ID, CentreID: p.OrgID}); err != nil {
			return nil, err
		}
		return []string{p.ID}, nil
	}
	var out []string
	for _, m := range cl.Subject.Memberships {
		if m.PanelID == "" || slices.Contains(out, m.PanelID) {
			continue
		}
		if policy.Decide(cl.Subject, act, policy.Resource{Kind: act.Kind(), PanelID: m.PanelID}).Allow {
			out = append(out, m.PanelID)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	// Explain with the caller's own panel ("your role doesn't let you").
	for _, m := range cl.Subject.Memberships {
		if err := allowed(cl, act, policy.Resource{Kind: act.Kind(), PanelID: m.PanelID}); err != nil {
			return nil, err
		}
	}
	return nil, allowed(cl, act, policy.Resource{Kind: act.Kind()})
}

// summaryView is the queue's dashboard. Times are unix milliseconds, as on
// cases.
type summaryView struct {
	Waiting          int                       `json:"waiting"`
	ByCategory       map[string]int            `json:"byCategory"`
	ByStatus         map[moderation.Status]int `json:"byStatus"`
	OldestOpenedAt   int64                     `json:"oldestOpenedAt,omitempty"`
	OldestAgeSeconds int64                     `json:"oldestAgeSeconds"`
}

func summaryOf(s moderation.Summary) summaryView {
	v := summaryView{Waiting: s.Waiting, ByCategory: s.ByCategory, ByStatus: s.ByStatus, OldestAgeSeconds: int64(s.OldestAge / time.Second)}
	if !s.OldestOpenedAt.IsZero() {
		v.OldestOpenedAt = s.OldestOpenedAt.UnixMilli()
	}
	return v
}

func (a *API) getModerationQueue(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	panels, err := a.panelsFor(ctx, cl, policy.ModerationQueueView, c.Query("panelId"))
	if err != nil {
		return err
	}
	limit, err := pledge.ParseNumber("limit", c.Query("limit"), 0)
	if err != nil {
		return err
	}
	page, err := a.people.Moderation.Queue(ctx, panels, moderation.QueueFilter{Kind: moderation.Kind(c.Query("kind")), Category: c.Query("category"),
		Status: moderation.Status(c.Query("status")), Limit: int(min(limit, moderation.MaxQueueLimit+1)), After: c.Query("after")})
	if err != nil {
		return err
	}
	sum, err := a.people.Moderation.Summary(ctx, panels)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"cases": page.Cases, "next": page.Next, "summary": summaryOf(sum)})
}

func caseResource(cs moderation.Case) policy.Resource {
	return policy.Resource{Kind: policy.KindCase, PanelID: cs.PanelID, GroupID: cs.GroupID, OwnerID: cs.Content.OwnerID}
}

// caseFor is every case handler's start: signed in, the case loaded, the
// policy asked about act.
func (a *API) caseFor(c *fiber.Ctx, act policy.Action) (caller, moderation.Case, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, moderation.Case{}, err
	}
	cs, err := seen(a.people.Moderation.Case(c.UserContext(), c.Params("id")))
	if err != nil {
		return caller{}, moderation.Case{}, err
	}
	if err := allowed(cl, act, caseResource(cs)); err != nil {
		return caller{}, moderation.Case{}, err
	}
	return cl, cs, nil
}

// caseContentView is the content of a case as the moderator reads it.
type caseContentView struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Text       string          `json:"text"`
	Context    string          `json:"context,omitempty"`
	Link       string          `json:"link,omitempty"`
	Language   string          `json:"language,omitempty"`
	AuthorName string          `json:"authorName,omitempty"`
	AuthorBand consent.AgeBand `json:"authorBand,omitempty"`
	// AuthorConsents are the author's consents in effect now (the case
	// keeps what they were when it was opened or when one was withdrawn).
	AuthorConsents []string `json:"authorConsents,omitempty"`
	// Title names what the content belongs to (a pledge, a session);
	// GroupName is the group whose space it is in, which is all there is
	// to say of the author of group content such as a pledge version.
	Title     string `json:"title,omitempty"`
	GroupName string `json:"groupName,omitempty"`
	// Gone says the content no longer exists (deleted or erased with its
	// author); Text is then what the case kept of it.
	Gone bool `json:"gone,omitempty"`
}

func (a *API) caseContent(ctx context.Context, cl caller, cs moderation.Case) (caseContentView, error) {
	v := caseContentView{Type: cs.Content.Type, ID: cs.Content.ID, Text: cs.Content.Excerpt}
	if kind, ok := a.people.Moderation.Kind(cs.Content.Type); ok {
		info, err := kind.Resolve(ctx, cs.Content.ID)
		switch {
		case err == nil:
			v.Text, v.Context, v.Link, v.Language, v.Title = info.Text, info.Context, info.Link, info.Language, info.Title
		case fault.Is(err, fault.NotFound):
			v.Gone = true
		default:
			return caseContentView{}, err
		}
	}
	who, err := a.authorOf(ctx, cl, cs.Content.OwnerID, cs.PanelID, cs.GroupID)
	if err != nil {
		return caseContentView{}, err
	}
	if cs.GroupID != "" {
		g, err := a.people.Identity.Group(ctx, cs.GroupID)
		if err != nil && !fault.Is(err, fault.NotFound) {
			return caseContentView{}, err
		}
		v.GroupName = g.Name
	}
	v.AuthorName, v.AuthorBand, v.AuthorConsents = who.name, who.band, who.consents
	if v.AuthorBand == "" {
		v.AuthorBand = consent.AgeBand(cs.AuthorBand)
	}
	return v, nil
}

func (a *API) getModerationCase(c *fiber.Ctx) error {
	cl, cs, err := a.caseFor(c, policy.ModerationCaseView)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	reports, err := a.people.Moderation.Reports(ctx, cs.ID)
	if err != nil {
		return err
	}
	content, err := a.caseContent(ctx, cl, cs)
	if err != nil {
		return err
	}
	r := caseResource(cs)
	can := map[string]bool{
		"approve": policy.Decide(cl.Subject, policy.ModerationApprove, r).Allow,
		"act":     policy.Decide(cl.Subject, policy.ModerationAct, r).Allow,
		"restore": policy.Decide(cl.Subject, policy.ModerationRestore, r).Allow,
	}
	return c.JSON(fiber.Map{"case": cs, "reports": reports, "content": content, "can": can})
}

func (a *API) postModerationAction(c *fiber.Ctx) error {
	if _, err := a.signedIn(c); err != nil {
		return err
	}
	var in struct {
		Action  string `json:"action"`
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	action := moderation.Action(in.Action)
	cl, cs, err := a.caseFor(c, policy.ModerationDecision(in.Action))
	if err != nil {
		return err
	}
	cs, err = a.people.Moderation.Decide(c.UserContext(), moderation.DecideInput{CaseID: cs.ID, By: cl.Subject, Action: action, Reason: in.Reason, Message: in.Message})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": cs})
}

// --- reports ---

func (a *API) postReport(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		ContentType string `json:"contentType"`
		ContentID   string `json:"contentId"`
		Category    string `json:"category"`
		Text        string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	res, err := a.people.Moderation.ReportContent(ctx, moderation.ContentReport{By: cl.Subject, Type: in.ContentType, ID: in.ContentID,
		Category: in.Category, Text: in.Text, HideAfter: func(ctx context.Context, panelID string) (int, error) {
			p, err := a.people.Identity.Panel(ctx, panelID)
			return p.Settings.ReportsToHide, err
		}})
	if err != nil {
		return err
	}
	out := fiber.Map{"report": res.Report, "hidden": res.ContentHidden}
	if res.AlertSafeguardingLead {
		// Someone may be at risk: the reporter sees where to get help at
		// once, and the panel's safeguarding lead is alerted (rule 6). The
		// moderation event on moderation:<panel> is the live alert.
		out["helpline"] = a.helplineFor(cl.Account.Country)
		a.alertSafeguarding(ctx, res.Case)
	}
	return c.Status(http.StatusCreated).JSON(out)
}

func (a *API) getHelpline(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"helpline": a.helplineFor(cl.Account.Country)})
}

// alertSafeguarding mails the panel's safeguarding lead, or, when the panel
// names none, its moderators (its coordinators when it has no moderator):
// a link to the case and nothing of the content. The report is on record
// and the live alert is out already, so a mail that cannot be sent is
// logged rather than failing the reporter's request.
func (a *API) alertSafeguarding(ctx context.Context, cs moderation.Case) {
	if err := a.sendSafeguardingAlert(ctx, cs); err != nil && a.deps.Logger != nil {
		a.deps.Logger.Error("safeguarding alert not mailed", "case", cs.ID, "panel", cs.PanelID, "error", err)
	}
}

func (a *API) sendSafeguardingAlert(ctx context.Context, cs moderation.Case) error {
	p, err := a.people.Identity.Panel(ctx, cs.PanelID)
	if err != nil {
		return err
	}
	members, err := a.people.Identity.PanelMembers(ctx, p.ID)
	if err != nil {
		return err
	}
	to := moderation.AlertRecipients(p.Settings.SafeguardingLeadID, members)
	link := a.people.PublicURL + "/moderation/cases/" + cs.ID
	var errs []error
	for _, acc := range to {
		msg, err := safeguardingMail(acc.Language, p.Name, link)
		if err != nil {
			return err
		}
		msg.To, msg.PanelID = acc.Email, p.ID
		if err := a.people.Mail.Send(ctx, msg); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d alerts not sent: %w", len(errs), len(to), errs[0])
	}
	return nil
}

// safeguardingMail is the alert in the recipient's language. It names the
// panel and links to the case; who reported, who wrote and what was written
// stay in Chorus.
func safeguardingMail(lang, panel, link string) (mail.Message, error) {
	return compose.Render("moderation.safeguarding_alert", compose.Adult, lang, compose.Vars{Panel: panel, Link: link})
}

// --- sanctions ---

// sanctionCheck asks the policy whether cl may sanction accountID in a
// panel (and group): moderation.sanction for youth and partners,
// moderation.sanction_staff for moderators and coordinators, who include
// the coordinators of the panel's whole centre (above the panel's own
// staff). With mustBeMember, someone who may sanction there learns that
// the person is not in the panel; anyone else learns nothing about who is.
func (a *API) sanctionCheck(ctx context.Context, cl caller, accountID string, p identity.Panel, groupID string, mustBeMember bool) error {
	ms, err := a.people.Identity.Memberships(ctx, accountID)
	if err != nil {
		return err
	}
	act, r, member := policy.Sanction(accountID, ms, p.OrgID, p.ID, groupID)
	if err := allowed(cl, act, r); err != nil {
		return err
	}
	if !member && mustBeMember {
		return fault.Errorf(fault.NotFound, "There is no such person in this panel.")
	}
	return nil
}

// parseTime reads an RFC 3339 time, or a date (midnight UTC) in a query.
func parseTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fault.Errorf(fault.Invalid, "The %s time must be a date such as 2026-03-01 or a date and time such as 2026-03-01T09:00:00Z.", what)
}

func (a *API) postSanction(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Kind      string `json:"kind"`
		AccountID string `json:"accountId"`
		PanelID   string `json:"panelId"`
		GroupID   string `json:"groupId"`
		Minutes   int    `json:"minutes"`
		Until     string `json:"until"`
		Reason    string `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := a.people.Identity.Panel(ctx, in.PanelID)
	if err != nil {
		return err
	}
	if in.GroupID != "" {
		if g, err := a.people.Identity.Group(ctx, in.GroupID); err != nil || g.PanelID != p.ID {
			return fault.Errorf(fault.Invalid, "This group is not part of this panel.")
		}
	}
	if err := a.sanctionCheck(ctx, cl, in.AccountID, p, in.GroupID, true); err != nil {
		return err
	}
	until, err := parseTime("until", in.Until)
	if err != nil {
		return err
	}
	x, err := a.people.Moderation.Impose(ctx, moderation.SanctionInput{Kind: moderation.SanctionKind(in.Kind), By: cl.Account.ID, AccountID: in.AccountID,
		PanelID: p.ID, GroupID: in.GroupID, Minutes: in.Minutes, Until: until, Reason: in.Reason})
	if err == nil && x.Kind == moderation.Suspend {
		// Open pages and sockets of the person end now, not when their
		// token expires. The suspension holds either way (signedIn
		// checks it), so a failure here is logged, not returned.
		if serr := a.people.Sessions.SignOutEverywhere(ctx, in.AccountID); serr != nil && a.deps.Logger != nil {
			a.deps.Logger.Error("suspended account not signed out", "account", in.AccountID, "error", serr)
		}
	}
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"sanction": x})
}

func (a *API) postSanctionLift(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	x, err := a.people.Moderation.Sanction(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := a.people.Identity.Panel(ctx, x.PanelID)
	if err != nil {
		return err
	}
	if err := a.sanctionCheck(ctx, cl, x.AccountID, p, x.GroupID, false); err != nil {
		return err
	}
	x, err = a.people.Moderation.Lift(ctx, moderation.LiftInput{By: cl.Account.ID, SanctionID: x.ID, Reason: in.Reason})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sanction": x})
}

// getSanctions lists a person's sanctions in a panel, newest first, ended
// and lifted ones included: what a moderator needs to lift one.
func (a *API) getSanctions(c *fiber.Ctx) error {
	cl, err := a.signedIn(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	accountID := c.Query("accountId")
	if accountID == "" {
		return fault.Errorf(fault.Invalid, "Say whose sanctions to look up.")
	}
	p, err := seen(a.people.Identity.Panel(ctx, c.Query("panelId")))
	if err != nil {
		return err
	}
	if err := a.sanctionCheck(ctx, cl, accountID, p, "", false); err != nil {
		return err
	}
	all, err := a.people.Moderation.Sanctions(ctx, accountID)
	if err != nil {
		return err
	}
	out := []moderation.Sanction{}
	for _, x := range all {
		if x.PanelID == p.ID {
			out = append(out, x)
		}
	}
	return c.JSON(fiber.Map{"sanctions": out})
}

// --- audit ---

// auditQuery reads the audit filters of the query string, for the panels
// where the caller may do act.
func (a *API) auditQuery(c *fiber.Ctx, act policy.Action) (moderation.AuditQuery, error) {
	cl, err := a.signedIn(c)
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	panels, err := a.panelsFor(c.UserContext(), cl, act, c.Query("panelId"))
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	from, err := parseTime("from", c.Query("from"))
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	to, err := parseTime("to", c.Query("to"))
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	limit, err := pledge.ParseNumber("limit", c.Query("limit"), 0)
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	people, err := a.auditPeople(c.UserContext(), panels, c.Query("person"))
	if err != nil {
		return moderation.AuditQuery{}, err
	}
	return moderation.AuditQuery{PanelIDs: panels, People: people, ContentID: c.Query("contentId"), Action: c.Query("action"),
		From: from, To: to, Limit: int(min(limit, moderation.MaxAuditLimit+1)), After: c.Query("after")}, nil
}

func (a *API) getAudit(c *fiber.Ctx) error {
	q, err := a.auditQuery(c, policy.AuditView)
	if err != nil {
		return err
	}
	entries, next, err := a.auditSearch(c.UserContext(), q, c.Query("content"), maxAuditTitleScan)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries, "next": next})
}

// getAuditCSV downloads every entry matching the filters (up to
// maxAuditExport), newest first, for a spreadsheet.
func (a *API) getAuditCSV(c *fiber.Ctx) error {
	q, err := a.auditQuery(c, policy.AuditExport)
	if err != nil {
		return err
	}
	q.Limit = moderation.MaxAuditLimit
	var entries []moderation.AuditEntry
	titles := map[string]string{} // entry id -> its content's title
	for len(entries) < maxAuditExport {
		page, next, err := a.auditSearch(c.UserContext(), q, c.Query("content"), maxAuditExport)
		if err != nil {
			return err
		}
		for _, v := range page {
			entries = append(entries, v.AuditEntry)
			titles[v.ID] = v.ContentTitle
		}
		if next == "" {
			break
		}
		q.After = next
	}
	var buf bytes.Buffer
	if err := moderation.AuditCSV(&buf, entries, func(e moderation.AuditEntry) string { return titles[e.ID] }); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="moderation-audit.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// helplineFor is the child helpline of a country: the coordinators' file
// (HELPLINES_FILE) first, then the built-in list, then 116 111.
func (a *API) helplineFor(country string) helpline.Helpline {
	if a.people.Helplines != nil {
		return a.people.Helplines.For(country)
	}
	return helpline.For(country)
}
