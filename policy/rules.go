package policy

import (
	"slices"

	"chorus/consent"
	"chorus/identity"
)

// Action is something a person may ask to do. Its value is the stable name
// used in logs, the audit trail and the matrix table (testdata/matrix.txt).
//
// There is deliberately no action for a private or direct message between two
// accounts: safeguarding rule 1 says all conversation happens in group spaces
// with a moderator member, so the policy has nothing that could allow such a
// channel, and a test keeps it that way.
type Action string

// The actions. Each applies to one resource Kind (see Action.Kind).
const (
	OrganisationView   Action = "organisation.view"   // list a centre's organisations: itself and the partners it registered (its coordinators, and its panels' coordinators to invite partners)
	OrganisationCreate Action = "organisation.create" // register a partner organisation with a centre, or start a new centre (coordinators of a whole centre)

	PanelCreate       Action = "panel.create"        // create a new panel in a centre (coordinators of that whole centre)
	PanelView         Action = "panel.view"          // see a panel's name, country and languages
	PanelSettingsEdit Action = "panel.settings.edit" // change a panel's settings (coordinators of that panel)
	// The panel's own screening words (rule 5): read and changed by its
	// coordinators only; youth never see the words that hold their texts.
	PanelScreenWordsView Action = "panel.screen_words.view" // read a panel's own screening words and their history
	PanelScreenWordsEdit Action = "panel.screen_words.edit" // change a panel's own screening words
	// A panel's live feed (panel:<id>) carries its news (settings changed)
	// to those who take part in it: youth only with participate (issue 10).
	PanelFollowLive Action = "panel.follow_live" // follow a panel's live feed

	GroupCreate         Action = "group.create"          // create a group inside a panel (coordinators of that panel)
	GroupView           Action = "group.view"            // see that a group exists and its name
	GroupEnterWorkspace Action = "group.enter_workspace" // open a group's workspace: drafts, videos, rounds (youth need participate)

	InvitationCreate Action = "invitation.create" // invite someone into a panel or group (coordinators of that panel)
	InvitationRevoke Action = "invitation.revoke" // revoke an open invitation (coordinators of that panel)
	InvitationResend Action = "invitation.resend" // send an open invitation again (coordinators of that panel)

	MemberList Action = "member.list" // list the members of a group or panel

	ProfileView         Action = "profile.view"           // see a person's profile (never outside their panel: no public profiles)
	ProfileViewFullName Action = "profile.view_full_name" // see a person's full display name rather than first name and country (rule 4)

	ConsentViewLedger       Action = "consent.view_ledger"        // read a youth's consent ledger (the youth, moderators and coordinators of their panel)
	ConsentGrantSelf        Action = "consent.grant_self"         // grant a scope for oneself (youth; the scope registry decides which scopes)
	ConsentWithdrawSelf     Action = "consent.withdraw_self"      // withdraw a scope one holds (anyone, for themself: as easy as granting)
	ConsentRecordSignedForm Action = "consent.record_signed_form" // record that a signed consent form was checked, and upload it (coordinators)
	ConsentViewSignedForm   Action = "consent.view_signed_form"   // see an uploaded signed consent form (coordinators)

	MembershipAdd Action = "membership.add" // join a panel or group: only the person themself, by accepting an invitation (rule 7)

	AccountExportOwn Action = "account.export_own" // export one's own data
	AccountEraseOwn  Action = "account.erase_own"  // erase one's own account
	AccountEditOwn   Action = "account.edit_own"   // change one's own settings (the account's language)
	// AccountEraseOnBehalf: erase someone else's account, carrying out a
	// deletion request (coordinators of the person's panel; GDPR Art. 17).
	AccountEraseOnBehalf Action = "account.erase_on_behalf"
	// ErasureRequestsView: see a panel's open deletion requests and their due dates (coordinators).
	ErasureRequestsView Action = "erasure.requests_view"

	AuditView   Action = "audit.view"   // read and search a panel's audit trail (coordinators)
	AuditExport Action = "audit.export" // download a panel's audit trail as CSV (coordinators)
	OutboxView  Action = "outbox.view"  // read mail held in the embedded outbox about a panel (coordinators)

	SpaceView Action = "space.view" // read a group's conversation space
	SpacePost Action = "space.post" // post in a group's space: only where a moderator is a member (rule 1)

	ContentView          Action = "content.view"            // see group content inside the panel
	ContentViewByPartner Action = "content.view_by_partner" // a partner sees youth content: approved and published to their organisation (rule 2)
	ContentReport        Action = "content.report"          // report content one can see to the moderators (rule 6)
	// ContentAppear is asked about the author, not a viewer: whether what
	// they wrote may be shown in its space at all. Youth take part only
	// with participate, so a withdrawal takes their content out of every
	// audience and nobody approves it back in (issue 10).
	ContentAppear Action = "content.appear" // the author's content may be shown where it was written

	ModerationQueueView     Action = "moderation.queue_view"     // see a panel's moderation queue and its counts (moderators, coordinators)
	ModerationCaseView      Action = "moderation.case_view"      // see a moderation case: the content, its reports and history
	ModerationAct           Action = "moderation.act"            // hide, escalate or ask for changes (moderators, coordinators)
	ModerationRestore       Action = "moderation.restore"        // show hidden content again, only as it was before the hide: never an approval (moderators, coordinators)
	ModerationApprove       Action = "moderation.approve"        // approve content, letting it reach partners or youth (moderators only: rule 2)
	ModerationSanction      Action = "moderation.sanction"       // mute or suspend a youth or partner, or lift it (moderators, coordinators)
	ModerationSanctionStaff Action = "moderation.sanction_staff" // mute or suspend a moderator or coordinator, or lift it (coordinators only; a centre's coordinators only by that centre's)

	PledgeCreate           Action = "pledge.create"            // start a pledge in a group
	PledgeView             Action = "pledge.view"              // see a pledge as it is drafted: items, history, comments, amendments (never partners: rule 2)
	PledgeEdit             Action = "pledge.edit"              // add, edit, move, remove and restore items
	PledgeComment          Action = "pledge.comment"           // comment on an item: only where a moderator is a member (rule 1)
	PledgeAmend            Action = "pledge.amend"             // propose a replacement text for an item
	PledgeAmendmentDecide  Action = "pledge.amendment_decide"  // accept or decline an amendment (ambassadors, moderators)
	PledgeEndorse          Action = "pledge.endorse"           // endorse a pledge, or withdraw one's endorsement
	PledgeEndorsementCount Action = "pledge.endorsement_count" // see how many endorsed a pledge (supervisors only: no public counts for youth, rule 7)
	PledgeSubmitReview     Action = "pledge.submit_review"     // ask a moderator to review the pledge
	PledgeRequestChanges   Action = "pledge.request_changes"   // send a pledge in review back to draft (moderators)
	PledgePublish          Action = "pledge.publish"           // approve and publish a version to partners (moderators, rule 2)
	PledgeOpenRound        Action = "pledge.open_round"        // open a feedback round on a published pledge (coordinators)
	PledgeClose            Action = "pledge.close"             // close a pledge (coordinators)
	PledgeViewPublished    Action = "pledge.view_published"    // see the published versions (partners only once a moderator approved: rule 2)
	PledgeExport           Action = "pledge.export"            // download a version as Markdown or HTML

	SessionSchedule   Action = "session.schedule"   // schedule a supervised live session in a panel (moderators, coordinators)
	SessionView       Action = "session.view"       // see a live session, be present in it and follow it live
	SessionPost       Action = "session.post"       // write in a live session's chat (the session also needs enough moderators present: rule 3)
	SessionAsk        Action = "session.ask"        // put a question on a live session's board (youth)
	SessionAnswer     Action = "session.answer"     // answer a question on the board (partners of an invited organisation)
	SessionTranscript Action = "session.transcript" // read and download a session's whole transcript, held and hidden messages included

	// Feedback rounds (issue 12). A round is panel-wide, like a live
	// session: partners take part only for an organisation the round
	// invited. Opening one is pledge.open_round.
	RoundView      Action = "round.view"      // see a round, its items and the answers the reader may see, and follow it live
	RoundAnswer    Action = "round.answer"    // draft, submit and revise the organisation's answers; read its drafts (partners of an invited organisation)
	RoundManage    Action = "round.manage"    // extend a deadline, close the round, open a progress review, publish scorecards (coordinators)
	RoundReport    Action = "round.report"    // the item x partner matrix, the CSV export and the printable report (moderators, coordinators)
	RoundReact     Action = "round.react"     // react to an answer: clear, not clear, want more (youth)
	RoundFollowUp  Action = "round.follow_up" // ask a follow-up question on an answer (youth)
	RoundReply     Action = "round.reply"     // reply to a follow-up question (partners of an invited organisation)
	RoundUpdate    Action = "round.update"    // report progress on the organisation's commitments (partners of an invited organisation)
	RoundRate      Action = "round.rate"      // rate a commitment's progress (youth: child-led evaluation)
	RoundScorecard Action = "round.scorecard" // see the scorecards (partners: their own, once published)

	VideoUpload  Action = "video.upload"  // start a video in a group, upload a new cut (version) of it, cancel one's own upload
	VideoView    Action = "video.view"    // see a group's videos, their versions and processing, and play them
	VideoCaption Action = "video.caption" // add or replace the captions of a version, in one language
	// Tagging (rule 7): one tags oneself, or tags a member of the group, who
	// then confirms or refuses; nobody is in a video's list without agreeing.
	VideoTag           Action = "video.tag"             // tag oneself or a group member in a video, confirm or remove one's own tag
	VideoComment       Action = "video.comment"         // comment at a moment of a version, reply, resolve: only where a moderator is a member (rule 1)
	VideoApprove       Action = "video.approve"         // approve a version as a reviewer of the group, or take one's approval back
	VideoRequestShare  Action = "video.request_share"   // ask the moderators to share a version with partner organisations
	VideoShare         Action = "video.share"           // create, list and revoke event links and partner shares of an approved version (moderators)
	VideoViewInPanel   Action = "video.view_in_panel"   // a young person of the panel watches a version a moderator shared with the panel
	VideoViewByPartner Action = "video.view_by_partner" // a partner watches a version shared with their organisation (rule 2; the tagged people's consents are checked by VideoBlockers)
)

// Actions lists every action the policy knows, sorted by name.
func Actions() []Action {
	out := make([]Action, 0, len(rules))
	for a := range rules {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// ModerationDecision is the action the policy is asked about for a
// moderator's decision on a case (a moderation.Action by name): approving
// lets content cross between youth and partners, so only moderators may
// (rule 2); restoring shows hidden content again, but only as it was before
// the hide; every other decision protects.
func ModerationDecision(decision string) Action {
	switch decision {
	case "approve":
		return ModerationApprove
	case "restore":
		return ModerationRestore
	}
	return ModerationAct
}

// Kind returns the kind of resource a applies to, or "" for an unknown action.
func (a Action) Kind() Kind { return rules[a].kind }

// WritesIntoGroupSpace reports whether a puts words or media into a group
// space (a pledge and its items, comments, amendments, videos): such an
// action is conversation between the group's members, so every grant of it
// needs a moderator member in the group (rule 1), and the caller must say
// whether there is one (Resource.GroupHasModerator).
func (a Action) WritesIntoGroupSpace() bool { return rules[a].writes }

// rule is everything the policy knows about one action: the resource kind it
// applies to, whether it reveals the resource (what Watchers reports), and
// the grants, any one of which allows.
type rule struct {
	kind    Kind
	reveals bool
	// writes: the action writes into a group space; init adds the
	// hasModerator condition to each of its grants (rule 1), so no row
	// can forget it.
	writes bool
	grants []grant
}

// grant allows roles standing in one of rel towards the resource, when the
// subject holds needs (if set) and every condition holds. A nil roles means
// any signed-in account, and then rel must be self.
type grant struct {
	roles []identity.Role
	rel   relation
	needs consent.Scope
	when  []condition
}

// condition is a fact about the resource that a grant requires.
type condition struct {
	reason string
	holds  func(Resource) bool
}

var (
	hasModerator = condition{ReasonNoModerator, func(r Resource) bool { return r.GroupHasModerator }}
	approved     = condition{ReasonNotApproved, func(r Resource) bool { return r.Approved }}
	ownerBelow   = condition{ReasonOwnerAbove, func(r Resource) bool { return !r.OwnerCentreStaff }}
	invited      = condition{ReasonNotInvited, func(r Resource) bool { return r.Invited }}
	// Partners meet youth only through moderated content and supervised
	// sessions: they are members of a panel, never of a group (issue 10).
	noPartnerInGroup = condition{ReasonPartnerNotInGroup, func(r Resource) bool { return r.Role != identity.Partner || r.GroupID == "" }}
	ownerAdult       = condition{ReasonNameNotShared, func(r Resource) bool { return r.OwnerBand == consent.Adult }}
	ownerTakesPart   = condition{ReasonNameNotShared, func(r Resource) bool { return slices.Contains(r.OwnerConsents, consent.Participate) }}
	ownerShares      = condition{ReasonNameNotShared, func(r Resource) bool {
		return slices.Contains(r.OwnerConsents, consent.NameVisibleToPartners)
	}}
)

// Role sets used in the table.
var (
	anyone        []identity.Role // nil: any signed-in account (self only)
	youth         = []identity.Role{identity.Youth, identity.Ambassador}
	coordinators  = []identity.Role{identity.Coordinator}
	supervisors   = []identity.Role{identity.Moderator, identity.Coordinator}
	partners      = []identity.Role{identity.Partner}
	ambassadors   = []identity.Role{identity.Ambassador}
	moderators    = []identity.Role{identity.Moderator}
	everyPanelist = []identity.Role{identity.Youth, identity.Ambassador, identity.Moderator, identity.Partner, identity.Coordinator}
)

// init gives every grant of an action that writes into a group space the
// condition that the group has a moderator member (rule 1).
func init() {
	for a, rl := range rules {
		if !rl.writes {
			continue
		}
		for i := range rl.grants {
			rl.grants[i].when = append(slices.Clip(rl.grants[i].when), hasModerator)
		}
		rules[a] = rl
	}
}

// inPanel is "a member anywhere in the resource's panel" (same group included).
const inPanel = samePanel

// The rule table. Staff roles (moderator, partner, coordinator) are only
// honoured for adults; that is checked once in Decide, not per row.
var rules = map[Action]rule{
	// Tenancy (issue 9): what concerns a whole Safer Internet Centre is for
	// its own coordinators; a panel's coordinators see the centre's
	// organisations, to invite its partners, and nothing of another centre.
	OrganisationView: {kind: KindCentre, grants: []grant{
		{roles: coordinators, rel: sameCentre},
		{roles: coordinators, rel: centrePanel},
	}},
	OrganisationCreate: {kind: KindCentre, grants: []grant{{roles: coordinators, rel: sameCentre}}},
	PanelCreate:        {kind: KindCentre, grants: []grant{{roles: coordinators, rel: sameCentre}}},
	PanelView:          {kind: KindPanel, grants: []grant{{roles: everyPanelist, rel: inPanel}}},
	PanelFollowLive: {kind: KindPanel, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	PanelSettingsEdit:    {kind: KindPanel, grants: []grant{{roles: coordinators, rel: inPanel}}},
	PanelScreenWordsView: {kind: KindPanel, grants: []grant{{roles: coordinators, rel: inPanel}}},
	PanelScreenWordsEdit: {kind: KindPanel, grants: []grant{{roles: coordinators, rel: inPanel}}},

	GroupCreate: {kind: KindGroup, grants: []grant{{roles: coordinators, rel: inPanel}}},
	GroupView: {kind: KindGroup, grants: []grant{
		{roles: youth, rel: sameGroup},
		{roles: supervisors, rel: inPanel},
	}},
	GroupEnterWorkspace: {kind: KindGroup, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},

	InvitationCreate: {kind: KindInvitation, grants: []grant{{roles: coordinators, rel: inPanel, when: []condition{noPartnerInGroup}}}},
	InvitationRevoke: {kind: KindInvitation, grants: []grant{{roles: coordinators, rel: inPanel}}},
	InvitationResend: {kind: KindInvitation, grants: []grant{{roles: coordinators, rel: inPanel, when: []condition{noPartnerInGroup}}}},

	MemberList: {kind: KindGroup, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},

	ProfileView: {kind: KindProfile, grants: []grant{
		{roles: anyone, rel: self},
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	ProfileViewFullName: {kind: KindProfile, grants: []grant{
		{roles: anyone, rel: self},
		// A minor's group sees their full name only once they take part
		// (participate holds): before, the first name (issue 14).
		{roles: youth, rel: inPanel, when: []condition{ownerAdult}},
		{roles: youth, rel: inPanel, when: []condition{ownerTakesPart}},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: inPanel, when: []condition{ownerAdult}},
		{roles: partners, rel: inPanel, when: []condition{ownerShares}},
	}},

	ConsentViewLedger: {kind: KindConsent, grants: []grant{
		{roles: anyone, rel: self},
		{roles: supervisors, rel: inPanel},
	}},
	ConsentGrantSelf:        {kind: KindConsent, grants: []grant{{roles: youth, rel: self}}},
	ConsentWithdrawSelf:     {kind: KindConsent, grants: []grant{{roles: anyone, rel: self}}},
	ConsentRecordSignedForm: {kind: KindConsent, grants: []grant{{roles: coordinators, rel: inPanel}}},
	ConsentViewSignedForm:   {kind: KindConsent, grants: []grant{{roles: coordinators, rel: inPanel}}},

	MembershipAdd: {kind: KindMembership, grants: []grant{{roles: anyone, rel: self, when: []condition{invited, noPartnerInGroup}}}},

	AccountExportOwn: {kind: KindAccount, grants: []grant{{roles: anyone, rel: self}}},
	AccountEraseOwn:  {kind: KindAccount, grants: []grant{{roles: anyone, rel: self}}},
	AccountEditOwn:   {kind: KindAccount, grants: []grant{{roles: anyone, rel: self}}},

	AccountEraseOnBehalf: {kind: KindAccount, grants: []grant{{roles: coordinators, rel: inPanel}}},
	ErasureRequestsView:  {kind: KindAccount, grants: []grant{{roles: coordinators, rel: inPanel}}},

	AuditView:   {kind: KindAudit, grants: []grant{{roles: coordinators, rel: inPanel}}},
	AuditExport: {kind: KindAudit, grants: []grant{{roles: coordinators, rel: inPanel}}},
	OutboxView:  {kind: KindOutbox, grants: []grant{{roles: coordinators, rel: inPanel}}},

	SpaceView: {kind: KindSpace, reveals: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	SpacePost: {kind: KindSpace, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: sameGroup},
	}},

	ContentView: {kind: KindContent, reveals: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	ContentViewByPartner: {kind: KindContent, reveals: true, grants: []grant{
		{roles: partners, rel: sameOrg, when: []condition{approved}},
	}},
	ContentAppear: {kind: KindContent, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: inPanel},
	}},
	// Anyone who can see content may report it: the same grants as
	// content.view and content.view_by_partner (rule 6).
	ContentReport: {kind: KindContent, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: sameOrg, when: []condition{approved}},
	}},

	// Moderation (issue 5). The panel's moderators and coordinators see the
	// queue and the cases and take protective steps (hide, restore,
	// escalate, ask for changes). Only moderators approve, because approving
	// is what lets youth content reach partners and partner text reach youth
	// (rule 2); restoring returns hidden content only to the state it had
	// before the hide (package moderation), so it never approves. Sanctions on youth and partners: moderators and coordinators;
	// on staff: coordinators only. Youth and partners never sanction. That
	// nobody decides about their own content or sanctions themself is
	// checked by package moderation, which knows the author.
	ModerationQueueView: {kind: KindPanel, grants: []grant{{roles: supervisors, rel: inPanel}}},
	ModerationCaseView:  {kind: KindCase, reveals: true, grants: []grant{{roles: supervisors, rel: inPanel}}},
	ModerationAct:       {kind: KindCase, grants: []grant{{roles: supervisors, rel: inPanel}}},
	ModerationRestore:   {kind: KindCase, grants: []grant{{roles: supervisors, rel: inPanel}}},
	ModerationApprove:   {kind: KindCase, grants: []grant{{roles: moderators, rel: inPanel}}},
	// Sanctions stay within the scope of who gives them (package moderation
	// applies them in that panel only), and never reach staff above the
	// giver: a panel's coordinator cannot sanction the centre's.
	ModerationSanction: {kind: KindSanction, grants: []grant{
		{roles: supervisors, rel: inPanel},
		{roles: coordinators, rel: sameCentre},
	}},
	ModerationSanctionStaff: {kind: KindSanction, grants: []grant{
		{roles: coordinators, rel: inPanel, when: []condition{ownerBelow}},
		{roles: coordinators, rel: sameCentre},
	}},

	// Pledges. Drafts stay in the group (and with the panel's supervisors);
	// partners see only what a moderator published (rule 2).
	PledgeCreate: {kind: KindPledge, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	PledgeView: {kind: KindPledge, reveals: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	PledgeEdit: {kind: KindPledge, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	PledgeComment: {kind: KindPledge, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	PledgeAmend: {kind: KindPledge, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	PledgeAmendmentDecide: {kind: KindPledge, writes: true, grants: []grant{
		{roles: ambassadors, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	PledgeEndorse: {kind: KindPledge, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: youth, rel: inPanel, needs: consent.Participate, when: []condition{approved}},
	}},
	PledgeEndorsementCount: {kind: KindPledge, grants: []grant{{roles: supervisors, rel: inPanel}}},
	PledgeSubmitReview: {kind: KindPledge, grants: []grant{
		{roles: ambassadors, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	PledgeRequestChanges: {kind: KindPledge, grants: []grant{{roles: moderators, rel: inPanel}}},
	PledgePublish:        {kind: KindPledge, grants: []grant{{roles: moderators, rel: inPanel}}},
	PledgeOpenRound:      {kind: KindPledge, grants: []grant{{roles: coordinators, rel: inPanel, when: []condition{approved}}}},
	PledgeClose:          {kind: KindPledge, grants: []grant{{roles: coordinators, rel: inPanel}}},
	PledgeViewPublished: {kind: KindPledge, reveals: true, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate, when: []condition{approved}},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: inPanel, when: []condition{approved}},
	}},
	PledgeExport: {kind: KindPledge, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: inPanel, when: []condition{approved}},
	}},

	// Live sessions (issue 5), where youth and partners meet. They are
	// panel-wide: every member of the panel may take part (youth with
	// participate), and partners only when the session invited their
	// organisation and they are members of the panel. Whether a session
	// accepts posts at this moment (enough moderators connected, rule 3)
	// is not the policy's to say: package livesession checks the live count
	// on every post. What partners read of youth is also filtered there
	// (rule 2) and names by VisibleName (rule 4).
	SessionSchedule: {kind: KindSession, grants: []grant{{roles: supervisors, rel: inPanel}}},
	SessionView: {kind: KindSession, reveals: true, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: orgInPanel},
	}},
	SessionPost: {kind: KindSession, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: orgInPanel},
	}},
	SessionAsk:        {kind: KindSession, grants: []grant{{roles: youth, rel: inPanel, needs: consent.Participate}}},
	SessionAnswer:     {kind: KindSession, grants: []grant{{roles: partners, rel: orgInPanel}}},
	SessionTranscript: {kind: KindSession, grants: []grant{{roles: supervisors, rel: inPanel}}},

	// Feedback rounds (issue 12). Everyone in the panel follows a round
	// (youth with participate); partners only for an organisation it
	// invited. What each reads of it is filtered by package round and the
	// API (rule 2: partner text after approval, youth text after approval;
	// rule 4: youth by first name and country; rule 7: reactions never
	// counted per person, never counted to youth).
	RoundView: {kind: KindRound, reveals: true, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: orgInPanel},
	}},
	RoundAnswer:   {kind: KindRound, grants: []grant{{roles: partners, rel: orgInPanel}}},
	RoundManage:   {kind: KindRound, grants: []grant{{roles: coordinators, rel: inPanel}}},
	RoundReport:   {kind: KindRound, grants: []grant{{roles: supervisors, rel: inPanel}}},
	RoundReact:    {kind: KindRound, grants: []grant{{roles: youth, rel: inPanel, needs: consent.Participate}}},
	RoundFollowUp: {kind: KindRound, grants: []grant{{roles: youth, rel: inPanel, needs: consent.Participate}}},
	RoundReply:    {kind: KindRound, grants: []grant{{roles: partners, rel: orgInPanel}}},
	RoundUpdate:   {kind: KindRound, grants: []grant{{roles: partners, rel: orgInPanel}}},
	RoundRate:     {kind: KindRound, grants: []grant{{roles: youth, rel: inPanel, needs: consent.Participate}}},
	RoundScorecard: {kind: KindRound, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
		{roles: partners, rel: orgInPanel, when: []condition{approved}},
	}},

	// Group videos (issue 13). A video is made inside its group and with
	// the panel's supervisors, like a pledge draft: who may upload a cut or
	// write captions is who may edit a pledge of the group.
	VideoUpload: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	VideoView: {kind: KindVideo, reveals: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	VideoCaption: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	// Review and sharing: tags, comments, approvals and requests are the
	// group's work in its space, so they need a moderator member (rule 1,
	// writes). A version reaches the panel or partners only through a
	// moderator's approval (a moderation case, rule 2) and only while every
	// tagged person may be shown there (VideoBlockers, read again on every
	// request).
	VideoTag: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: sameGroup},
	}},
	VideoComment: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: supervisors, rel: inPanel},
	}},
	VideoApprove: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
	}},
	VideoRequestShare: {kind: KindVideo, writes: true, grants: []grant{
		{roles: youth, rel: sameGroup, needs: consent.Participate},
		{roles: moderators, rel: inPanel},
	}},
	VideoShare: {kind: KindVideo, grants: []grant{{roles: moderators, rel: inPanel}}},
	VideoViewInPanel: {kind: KindVideo, reveals: true, grants: []grant{
		{roles: youth, rel: inPanel, needs: consent.Participate, when: []condition{approved}},
	}},
	VideoViewByPartner: {kind: KindVideo, reveals: true, grants: []grant{
		{roles: partners, rel: orgInPanel, when: []condition{approved}},
	}},
}
