package policy

import (
	"strings"

	"chorus/consent"
	"chorus/fault"
)

// Check is Decide for callers that want an error: nil when allowed,
// fault.Unauthorized when the subject is not signed in, fault.NotFound when
// they are not a member where the resource is, and fault.Forbidden otherwise, with a plain-language message that is safe to show (including
// to a 12-year-old).
func Check(s Subject, a Action, r Resource) error {
	d := Decide(s, a, r)
	if d.Allow {
		return nil
	}
	switch d.Reason {
	case ReasonNotSignedIn:
		return fault.Errorf(fault.Unauthorized, "%s", Explain(d))
	case ReasonNotAMember:
		// No place where the resource is (another panel, group or centre):
		// the asker may not even know it exists, so the answer is the one
		// for what does not exist.
		return NotFound()
	}
	return fault.Errorf(fault.Forbidden, "%s", Explain(d))
}

// NotFound is the one answer for what does not exist or is not shared with
// the asker: callers that load a resource before asking give it for a
// missing one too, so the two cannot be told apart.
func NotFound() error { return fault.Errorf(fault.NotFound, "%s", MsgNotFound) }

// MsgNotFound is the answer for what does not exist or is not shared with
// the asker: the two are not told apart.
const MsgNotFound = "We could not find this. It does not exist, or it is not shared with you."

// Explain turns a denied Decision into a short sentence in plain words.
func Explain(d Decision) string {
	if d.Scope != "" {
		if msg, ok := consentMessages[d.Scope]; ok {
			return msg
		}
		return "You need to give your permission for this first."
	}
	if msg, ok := messages[d.Reason]; ok {
		return msg
	}
	if strings.HasPrefix(d.Reason, ReasonConsentRequired) {
		return "You need to give your permission for this first."
	}
	return "You can't do this here."
}

var messages = map[string]string{
	ReasonAllowed:       "You can do this.",
	ReasonNotSignedIn:   "Please sign in first.",
	ReasonUnknownAction: "You can't do this here.",
	ReasonWrongResource: "You can't do this here.",
	ReasonNotAMember:    "You need to be a member of this group.",
	ReasonRoleNotAllowed: "Your role in this panel doesn't let you do this. " +
		"Ask a coordinator if you think it should.",
	ReasonNotYourself:       "You can only do this for your own account.",
	ReasonAdultsOnly:        "This role is only for adults.",
	ReasonNoModerator:       "Nobody can post here until a moderator joins this group.",
	ReasonNotApproved:       "A moderator needs to approve this first.",
	ReasonNotInvited:        "You can only join a group by accepting an invitation.",
	ReasonPartnerNotInGroup: "Partners are never members of a group. Invite them to the panel, with their organisation.",
	ReasonNameNotShared:     "This person's full name is not shared with you.",
	ReasonOwnerAbove:        "This person coordinates your Safer Internet Centre: only another coordinator of the centre can do this.",
	ReasonCentreStaffOnly: "Only coordinators of the whole Safer Internet Centre can do this. " +
		"Ask one of them if you think it should be done.",
}

var consentMessages = map[consent.Scope]string{
	consent.Participate: "You need permission to take part first. " +
		"If you are under your country's age for this, your guardian needs to say yes.",
	consent.VideoAppear:           "You need permission to appear in videos first.",
	consent.VideoPublish:          "You need permission to share videos first.",
	consent.NameVisibleToPartners: "You need permission to show your name to partners first.",
}
