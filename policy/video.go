package policy

import (
	"chorus/consent"
)

// Who may be shown where in a group video (rule 7 and the consent rules of
// DESIGN.md). Decide says who may ask to watch; VideoBlockers says whether
// the people who appear in the video allow it to be shown to an audience
// at all. Both must allow, and both are asked again on every request, so a
// withdrawn consent counts from the next one.

// Audience is who a video is shown to.
type Audience string

// The audiences, from the narrowest.
const (
	AudienceGroup    Audience = "group"    // the group that made it and the panel's supervisors
	AudiencePanel    Audience = "panel"    // the young people of the whole panel
	AudiencePartners Audience = "partners" // members of partner organisations it was shared with
	AudienceEvent    Audience = "event"    // whoever holds an event link a moderator created
)

// Audiences lists every audience.
var Audiences = []Audience{AudienceGroup, AudiencePanel, AudiencePartners, AudienceEvent}

// Appearer is a person tagged in a video, as the rules need them.
type Appearer struct {
	AccountID string
	// Confirmed: the person tagged themself or confirmed the tag; a tag
	// someone else added and the person has not confirmed is no agreement.
	Confirmed bool
	// Youth: a young person with a consent ledger (an account with a date
	// of birth). Staff who appear agree by confirming their tag.
	Youth    bool
	Band     consent.AgeBand // the zero band is treated as a minor: fail closed
	Consents []consent.Scope // scopes held now
}

// Blocker is one reason a video may not reach an audience: the person it
// is about (empty when it is about the video) and a Reason, with the
// missing Scope when a consent is what is missing.
type Blocker struct {
	AccountID string
	Reason    string
	Scope     consent.Scope
}

// The reasons a Blocker carries besides ReasonConsentRequired.
const (
	ReasonNobodyTagged    = "nobody_tagged"     // nobody is tagged: who appears is not known
	ReasonTagNotConfirmed = "tag_not_confirmed" // someone tagged has not agreed yet
	ReasonUnknownAudience = "unknown_audience"
)

// needs are the consents a tagged young person must hold for each
// audience: leaving the group needs video_appear; publishing to partners
// or an event needs video_publish too, which
// the consent registry has a guardian give for every minor, whatever their
// consent age.
var needs = map[Audience][]consent.Scope{
	AudienceGroup:    nil,
	AudiencePanel:    {consent.VideoAppear},
	AudiencePartners: {consent.VideoAppear, consent.VideoPublish},
	AudienceEvent:    {consent.VideoAppear, consent.VideoPublish},
}

// VideoBlockers lists what keeps a video with the tagged people from being
// shown to aud; none means it may be. Inside its group a video may always
// be watched (that is where it is made). Outside it, somebody must be
// tagged, every tag must be agreed to, and every tagged young person (and
// anyone whose band is not known to be adult) must hold the audience's
// consents.
func VideoBlockers(aud Audience, tagged []Appearer) []Blocker {
	scopes, ok := needs[aud]
	if !ok {
		return []Blocker{{Reason: ReasonUnknownAudience}}
	}
	if aud == AudienceGroup {
		return nil
	}
	if len(tagged) == 0 {
		return []Blocker{{Reason: ReasonNobodyTagged}}
	}
	var out []Blocker
	for _, p := range tagged {
		if !p.Confirmed {
			out = append(out, Blocker{AccountID: p.AccountID, Reason: ReasonTagNotConfirmed})
			continue
		}
		if !p.Youth && p.Band == consent.Adult {
			continue
		}
		for _, sc := range scopes {
			if !(Subject{Consents: p.Consents}).Holds(sc) {
				out = append(out, Blocker{AccountID: p.AccountID, Reason: ReasonConsentRequired + ":" + string(sc), Scope: sc})
				break // the first missing consent is the one to ask for
			}
		}
	}
	return out
}
