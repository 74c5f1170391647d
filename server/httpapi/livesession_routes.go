package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/identity"
	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/moderation/screen"
	"chorus/policy"
)

// Supervised live sessions over HTTP (issue 5). Who may do what is the
// policy's (session.* actions); whether a session accepts a post right now
// (enough moderators connected, rule 3) is package livesession's, which
// counts on every post. Events on "session:<id>" carry no text, so the app
// fetches the session again when one arrives.

func (a *API) liveSessionRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/panels/:panelId/sessions", a.getLiveSessions},
		{fiber.MethodPost, "/api/panels/:panelId/sessions", a.postLiveSession},
		{fiber.MethodGet, "/api/sessions/:id", a.getLiveSession},
		{fiber.MethodPost, "/api/sessions/:id/messages", a.postLiveSessionMessage},
		{fiber.MethodPost, "/api/sessions/:id/questions", a.postLiveSessionQuestion},
		{fiber.MethodPost, "/api/sessions/:id/questions/:qid/answers", a.postLiveSessionAnswer},
		{fiber.MethodPost, "/api/sessions/:id/messages/:messageId/decision", a.postLiveSessionDecision},
		{fiber.MethodGet, "/api/sessions/:id/transcript", a.getLiveSessionTranscript},
		{fiber.MethodGet, "/api/sessions/:id/transcript.csv", a.getLiveSessionTranscriptCSV},
	}
}

func (a *API) liveSessions() (*livesession.Service, error) {
	if a.people == nil || a.people.LiveSessions == nil {
		return nil, fault.Errorf(fault.Unavailable, "Live sessions are not available on this server.")
	}
	return a.people.LiveSessions, nil
}

// --- who the caller is in a session (package livesession decides) ---

func sessionOrg(s policy.Subject, sess livesession.Session) string { return livesession.OrgOf(s, sess) }

func sessionResource(s policy.Subject, sess livesession.Session) policy.Resource {
	return livesession.ResourceFor(s, sess)
}

func sessionRole(s policy.Subject, sess livesession.Session) identity.Role {
	return livesession.RoleOf(s, sess)
}

func sessionViewer(cl caller, sess livesession.Session) livesession.Viewer {
	return livesession.ViewerOf(cl.Subject, sess)
}

// sessionFor is every session handler's start: signed in, the session
// loaded, the policy asked about act.
func (a *API) sessionFor(c *fiber.Ctx, act policy.Action) (caller, livesession.Session, error) {
	svc, err := a.liveSessions()
	if err != nil {
		return caller{}, livesession.Session{}, err
	}
	cl, err := a.signedIn(c)
	if err != nil {
		return caller{}, livesession.Session{}, err
	}
	sess, err := seen(svc.Session(c.UserContext(), c.Params("id")))
	if err != nil {
		return caller{}, livesession.Session{}, err
	}
	if err := allowed(cl, act, sessionResource(cl.Subject, sess)); err != nil {
		return caller{}, livesession.Session{}, err
	}
	return cl, sess, nil
}

// sessionTopic allows the live feed of a session (session:<id>) to those
// who may see it: being subscribed is being present.
func (t *TopicPolicy) sessionTopic(ctx context.Context, s policy.Subject, id string) error {
	svc, err := t.api.liveSessions()
	if err != nil {
		return err
	}
	sess, err := svc.Session(ctx, id)
	if err != nil {
		return err
	}
	return policy.Check(s, policy.SessionView, sessionResource(s, sess))
}

// --- views ---

type orgView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// liveSessionView is a session as the API shows it.
type liveSessionView struct {
	ID                    string    `json:"id"`
	PanelID               string    `json:"panelId"`
	Title                 string    `json:"title"`
	StartsAt              time.Time `json:"startsAt"`
	Organisations         []orgView `json:"organisations"`
	MinModerators         int       `json:"minModerators"`
	PartnerPostModeration bool      `json:"partnerPostModeration"`
	Topic                 string    `json:"topic"`
}

func (a *API) sessionView(ctx context.Context, sess livesession.Session) (liveSessionView, error) {
	v := liveSessionView{ID: sess.ID, PanelID: sess.PanelID, Title: sess.Title, StartsAt: sess.StartsAt, Organisations: []orgView{},
		MinModerators: sess.MinModerators, PartnerPostModeration: sess.PartnerPostModeration, Topic: livesession.Topic(sess.ID)}
	for _, id := range sess.OrgIDs {
		org, err := a.people.Identity.Organisation(ctx, id)
		if err != nil {
			return liveSessionView{}, err
		}
		v.Organisations = append(v.Organisations, orgView{ID: org.ID, Name: org.Name})
	}
	return v, nil
}

// stateView is the supervision of a session right now.
type stateView struct {
	Status  string `json:"status"` // live or paused
	Present int    `json:"present"`
	Needed  int    `json:"needed"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"` // why it is paused, in the reader's language
}

func stateOf(st livesession.State, lang string) stateView {
	v := stateView{Status: "live", Present: st.Present, Needed: st.Needed}
	if st.Paused {
		v.Status, v.Reason, v.Message = "paused", livesession.ReasonModeratorsMissing, translate(lang, livesession.MsgPaused)
	}
	return v
}

// sessionAuthor is the author of a message as the reader may see them:
// youth by the name rule 4 allows, partners by name and organisation.
type sessionAuthor struct {
	ID           string        `json:"id,omitempty"` // supervisors only
	Name         string        `json:"name"`
	Role         identity.Role `json:"role"`
	Organisation string        `json:"organisation,omitempty"`
}

// sessionMessageView is a message as the API shows it to one reader.
type sessionMessageView struct {
	ID          string             `json:"id"`
	Kind        livesession.Kind   `json:"kind"`
	QuestionID  string             `json:"questionId,omitempty"`
	Text        string             `json:"text"`
	At          time.Time          `json:"at"`
	Author      sessionAuthor      `json:"author"`
	Mine        bool               `json:"mine"`
	Status      livesession.Status `json:"status"`
	HeldFor     string             `json:"heldFor,omitempty"`
	Reasons     []string           `json:"reasons,omitempty"`     // why screening held it, in the reader's language
	ForPartners *bool              `json:"forPartners,omitempty"` // supervisors: whether partners may read it
	Erased      bool               `json:"erased,omitempty"`      // its author erased their account: no text
}

type sessionQuestionView struct {
	sessionMessageView
	Answers []sessionMessageView `json:"answers"`
}

// messageViewer turns messages into what one reader sees of them, looking
// each author up once.
type messageViewer struct {
	a      *API
	ctx    context.Context
	viewer caller
	sup    bool
	lang   string
	panel  string
	names  map[string]sessionAuthor
	orgs   map[string]string
}

func (a *API) newMessageViewer(ctx context.Context, cl caller, v livesession.Viewer, sess livesession.Session, lang string) *messageViewer {
	return &messageViewer{a: a, ctx: ctx, viewer: cl, sup: v.Supervisor, lang: lang, panel: sess.PanelID, names: map[string]sessionAuthor{}, orgs: map[string]string{}}
}

func (mv *messageViewer) author(m livesession.Message) (sessionAuthor, error) {
	key := m.AuthorID + "|" + m.AuthorOrgID
	if au, ok := mv.names[key]; ok {
		return au, nil
	}
	au := sessionAuthor{Role: m.AuthorRole}
	who, err := mv.a.callerFor(mv.ctx, m.AuthorID)
	switch {
	case fault.Is(err, fault.NotFound):
		// An erased account: the words stay, the name is gone.
	case err != nil:
		return sessionAuthor{}, err
	default:
		au.Name = policy.VisibleName(mv.viewer.Subject, policy.PersonView{AccountID: who.Account.ID, DisplayName: who.Account.DisplayName,
			Country: who.Account.Country, Band: who.Subject.Band, Consents: who.Subject.Consents, PanelID: mv.panel})
	}
	if m.AuthorOrgID != "" {
		name, ok := mv.orgs[m.AuthorOrgID]
		if !ok {
			org, err := mv.a.people.Identity.Organisation(mv.ctx, m.AuthorOrgID)
			if err != nil && !fault.Is(err, fault.NotFound) {
				return sessionAuthor{}, err
			}
			name = org.Name
			mv.orgs[m.AuthorOrgID] = name
		}
		au.Organisation = name
	}
	mv.names[key] = au
	return au, nil
}

func (mv *messageViewer) view(m livesession.Message) (sessionMessageView, error) {
	au, err := mv.author(m)
	if err != nil {
		return sessionMessageView{}, err
	}
	if mv.sup {
		au.ID = m.AuthorID
	}
	v := sessionMessageView{ID: m.ID, Kind: m.Kind, QuestionID: m.QuestionID, Text: m.Text, At: m.At, Author: au, Erased: m.Erased,
		Mine: m.AuthorID == mv.viewer.Account.ID, Status: m.Status}
	if v.Mine || mv.sup {
		v.HeldFor = m.HeldFor
		if m.Status == livesession.Held {
			for _, h := range m.Hits {
				if r := screen.Reason(h.Reason, mv.lang); !slices.Contains(v.Reasons, r) {
					v.Reasons = append(v.Reasons, r)
				}
			}
		}
	}
	if mv.sup {
		fp := m.ForPartners
		v.ForPartners = &fp
	}
	return v, nil
}

func (mv *messageViewer) views(ms []livesession.Message) ([]sessionMessageView, error) {
	out := make([]sessionMessageView, 0, len(ms))
	for _, m := range ms {
		v, err := mv.view(m)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// sessionWatchers answers rule 8 for a session: who can see it, the
// invited organisations included.
func sessionWatchers(sess livesession.Session) []policy.Watcher {
	r := policy.Resource{Kind: policy.KindSession, PanelID: sess.PanelID}
	out := policy.Watchers(r)
	for _, org := range sess.OrgIDs {
		r.OrgID = org
		for _, w := range policy.Watchers(r) {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// --- handlers ---

func (a *API) getLiveSessions(c *fiber.Ctx) error {
	svc, err := a.liveSessions()
	if err != nil {
		return err
	}
	cl, p, err := a.panelFor(c, policy.PanelView, policy.KindPanel)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	all, err := svc.Sessions(ctx, p.ID)
	if err != nil {
		return err
	}
	out := []liveSessionView{}
	for _, sess := range all {
		if !policy.Decide(cl.Subject, policy.SessionView, sessionResource(cl.Subject, sess)).Allow {
			continue // partners see only the sessions their organisation is invited to
		}
		v, err := a.sessionView(ctx, sess)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	can := policy.Decide(cl.Subject, policy.SessionSchedule, policy.Resource{Kind: policy.KindSession, PanelID: p.ID}).Allow
	answer := sessionList{Sessions: out, Can: sessionAbilities{Schedule: can}}
	if can {
		// Whoever schedules chooses whom to invite: every partner
		// organisation the panel's centre registered, by name (the
		// organisation list itself is for coordinators).
		orgs, err := a.people.Identity.CentreOrganisations(ctx, p.OrgID)
		if err != nil {
			return err
		}
		invitable := []orgView{}
		for _, o := range orgs {
			if o.Kind == identity.IndustryPartner {
				invitable = append(invitable, orgView{ID: o.ID, Name: o.Name})
			}
		}
		answer.Invitable = &invitable
	}
	return c.JSON(answer)
}

// sessionList is a panel's live sessions as the caller may see them.
type sessionList struct {
	Sessions  []liveSessionView `json:"sessions"`
	Can       sessionAbilities  `json:"can"`
	Invitable *[]orgView        `json:"invitable,omitempty"` // for whoever may schedule: the partner organisations to invite
}

// sessionAbilities tells the app which controls to show on the list.
type sessionAbilities struct {
	Schedule bool `json:"schedule"`
}

func (a *API) postLiveSession(c *fiber.Ctx) error {
	svc, err := a.liveSessions()
	if err != nil {
		return err
	}
	cl, p, err := a.panelFor(c, policy.SessionSchedule, policy.KindSession)
	if err != nil {
		return err
	}
	var in struct {
		Title           string    `json:"title"`
		StartsAt        time.Time `json:"startsAt"`
		OrganisationIDs []string  `json:"organisationIds"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	sess, err := svc.Schedule(ctx, cl.Account.ID, livesession.ScheduleInput{PanelID: p.ID, Title: in.Title, StartsAt: in.StartsAt, OrgIDs: in.OrganisationIDs})
	if err != nil {
		return err
	}
	v, err := a.sessionView(ctx, sess)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"session": v})
}

// getLiveSession is the session page's data: the session, whether it is
// live or paused right now (counted afresh), what the caller may read of
// the chat and the board, who can see the session, and what they may do.
func (a *API) getLiveSession(c *fiber.Ctx) error {
	cl, sess, err := a.sessionFor(c, policy.SessionView)
	if err != nil {
		return err
	}
	ctx, svc, lang := c.UserContext(), a.people.LiveSessions, languageOf(c)
	sess, st, err := svc.Refresh(ctx, sess.ID)
	if err != nil {
		return err
	}
	v := sessionViewer(cl, sess)
	board, err := svc.BoardFor(ctx, sess.ID, v)
	if err != nil {
		return err
	}
	mv := a.newMessageViewer(ctx, cl, v, sess, lang)
	chat, err := mv.views(board.Chat)
	if err != nil {
		return err
	}
	questions := make([]sessionQuestionView, 0, len(board.Questions))
	for _, q := range board.Questions {
		qv, err := mv.view(q.Message)
		if err != nil {
			return err
		}
		answers, err := mv.views(q.Answers)
		if err != nil {
			return err
		}
		questions = append(questions, sessionQuestionView{sessionMessageView: qv, Answers: answers})
	}
	view, err := a.sessionView(ctx, sess)
	if err != nil {
		return err
	}
	r := sessionResource(cl.Subject, sess)
	can := fiber.Map{}
	for name, act := range map[string]policy.Action{"post": policy.SessionPost, "ask": policy.SessionAsk, "answer": policy.SessionAnswer, "transcript": policy.SessionTranscript} {
		can[name] = policy.Decide(cl.Subject, act, r).Allow
	}
	can["moderate"] = moderatesPanel(cl, sess.PanelID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"session": view, "state": stateOf(st, lang), "chat": chat, "questions": questions,
		"watchers": sessionWatchers(sess), "can": can})
}

// postInSession posts what the caller wrote as kind (after act was allowed).
func (a *API) postInSession(c *fiber.Ctx, act policy.Action, kind livesession.Kind, questionID string) error {
	cl, sess, err := a.sessionFor(c, act)
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	author := livesession.Author{AccountID: cl.Account.ID, Role: sessionRole(cl.Subject, sess), OrgID: sessionOrg(cl.Subject, sess),
		Band: cl.Subject.Band, Language: cl.Account.Language}
	m, err := a.people.LiveSessions.Post(ctx, livesession.PostInput{SessionID: sess.ID, Author: author, Kind: kind, Text: in.Text, QuestionID: questionID})
	if err != nil {
		return err
	}
	v, err := a.newMessageViewer(ctx, cl, sessionViewer(cl, sess), sess, languageOf(c)).view(m)
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"message": v})
}

func (a *API) postLiveSessionMessage(c *fiber.Ctx) error {
	return a.postInSession(c, policy.SessionPost, livesession.Chat, "")
}

func (a *API) postLiveSessionQuestion(c *fiber.Ctx) error {
	return a.postInSession(c, policy.SessionAsk, livesession.Question, "")
}

func (a *API) postLiveSessionAnswer(c *fiber.Ctx) error {
	return a.postInSession(c, policy.SessionAnswer, livesession.Answer, c.Params("qid"))
}

// postLiveSessionDecision: a moderator in the session approves, hides or
// restores a message at once; the case and the audit trail record it.
func (a *API) postLiveSessionDecision(c *fiber.Ctx) error {
	cl, sess, err := a.sessionFor(c, policy.SessionView)
	if err != nil {
		return err
	}
	var in struct {
		Action moderation.Action `json:"action"`
		Reason string            `json:"reason"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	ctx, svc := c.UserContext(), a.people.LiveSessions
	m, err := svc.Message(ctx, sess.ID, c.Params("messageId"))
	if err != nil {
		return err
	}
	if err := allowed(cl, policy.ModerationDecision(string(in.Action)), policy.Resource{Kind: policy.KindCase, PanelID: sess.PanelID, OwnerID: m.AuthorID}); err != nil {
		return err
	}
	m, cs, err := svc.Decide(ctx, livesession.DecideInput{SessionID: sess.ID, MessageID: m.ID, Actor: cl.Account.ID, Action: in.Action, Reason: in.Reason})
	if err != nil {
		return err
	}
	v, err := a.newMessageViewer(ctx, cl, sessionViewer(cl, sess), sess, languageOf(c)).view(m)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"message": v, "caseId": cs.ID, "caseStatus": cs.Status})
}

// transcript is every message of a session, held and hidden ones included,
// for its moderators and coordinators.
func (a *API) transcript(c *fiber.Ctx) (caller, livesession.Session, []livesession.Message, error) {
	cl, sess, err := a.sessionFor(c, policy.SessionTranscript)
	if err != nil {
		return caller{}, livesession.Session{}, nil, err
	}
	msgs, err := a.people.LiveSessions.Messages(c.UserContext(), sess.ID)
	return cl, sess, msgs, err
}

func (a *API) getLiveSessionTranscript(c *fiber.Ctx) error {
	cl, sess, msgs, err := a.transcript(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	views, err := a.newMessageViewer(ctx, cl, sessionViewer(cl, sess), sess, languageOf(c)).views(msgs)
	if err != nil {
		return err
	}
	view, err := a.sessionView(ctx, sess)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"session": view, "messages": views})
}

func (a *API) getLiveSessionTranscriptCSV(c *fiber.Ctx) error {
	cl, sess, msgs, err := a.transcript(c)
	if err != nil {
		return err
	}
	mv := a.newMessageViewer(c.UserContext(), cl, sessionViewer(cl, sess), sess, languageOf(c))
	var lookupErr error
	var buf bytes.Buffer
	err = livesession.TranscriptCSV(&buf, msgs, func(id string) string {
		for _, m := range msgs {
			if m.AuthorID == id {
				au, err := mv.author(m)
				if err != nil && lookupErr == nil {
					lookupErr = err
				}
				return au.Name
			}
		}
		return ""
	})
	if err == nil {
		err = lookupErr
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="session-`+sess.ID+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}
