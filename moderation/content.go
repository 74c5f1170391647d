package moderation

import (
	"strings"
	"unicode/utf8"

	"chorus/fault"
)

// Content types other packages put into a ContentRef. The list is open (a
// new kind of content needs no change here), but these are the names to use.
const (
	PledgeComment  = "pledge_comment"
	PledgeItem     = "pledge_item"
	Amendment      = "amendment"
	SessionMessage = "session_message"
	PledgeVersion  = "pledge_version" // a pledge version about to be published to partners
	PartnerAnswer  = "partner_answer" // partner text in a feedback round
	Video          = "video"
)

// Content types of feedback rounds (package round): youth follow-up
// questions, partner replies, partner updates on commitments, and the
// reasons youth give with their ratings.
const (
	RoundFollowUp    = "round_followup"
	RoundReply       = "round_reply"
	CommitmentUpdate = "commitment_update"
	CommitmentRating = "commitment_rating"
)

// ContentRef points at the piece of content a case or report is about.
type ContentRef struct {
	Type    string `json:"type"`              // e.g. PledgeComment
	ID      string `json:"id"`                // the content's id in its own package
	OwnerID string `json:"ownerId,omitempty"` // the account that wrote it; empty only for group-owned content being published
	Excerpt string `json:"excerpt,omitempty"` // the text as the reporter or screener saw it, at most MaxExcerpt characters
}

// Key identifies the content across the package: its type and id.
func (c ContentRef) Key() string { return c.Type + ":" + c.ID }

// withoutText is the reference as the event log and the audit trail keep
// it: the content's text stays on the case, where it can be erased with the
// content, and is not copied into the append-only log.
func (c ContentRef) withoutText() ContentRef {
	c.Excerpt = ""
	return c
}

// clean checks a reference and bounds its excerpt. ownerRequired is false
// only for content that belongs to a group rather than a person.
func (c ContentRef) clean(ownerRequired bool) (ContentRef, error) {
	if !validType(c.Type) {
		return ContentRef{}, fault.Errorf(fault.Invalid, "The content type %q is not valid: use lower-case letters and underscores.", c.Type)
	}
	c.ID = strings.TrimSpace(c.ID)
	if c.ID == "" || len(c.ID) > 200 {
		return ContentRef{}, fault.Errorf(fault.Invalid, "Say which content this is about.")
	}
	if ownerRequired && c.OwnerID == "" {
		return ContentRef{}, fault.Errorf(fault.Invalid, "Say who wrote this content.")
	}
	c.Excerpt = excerpt(c.Excerpt)
	return c, nil
}

func validType(t string) bool {
	if t == "" || len(t) > 40 || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	for _, r := range t {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// excerpt keeps at most MaxExcerpt characters of text, ending with "…"
// when it was cut: a case shows the moderator what it is about, it is not
// a second copy of a long document.
func excerpt(text string) string {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if utf8.RuneCountInString(text) <= MaxExcerpt {
		return text
	}
	r := []rune(text)
	return string(r[:MaxExcerpt-1]) + "…"
}
