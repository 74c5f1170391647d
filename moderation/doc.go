// Package moderation is how adults keep Chorus safe for the young people in
// it: moderation cases and the queue they wait in, reports by anyone who can
// see a piece of content, the actions moderators take, sanctions on people,
// and the audit trail of all of it (safeguarding rules 2, 5 and 6 of the
// design).
//
// A case is opened for a piece of content when screening holds youth text,
// when someone reports it, when it is about to cross from youth to partners
// (a pledge being published) or when partner text waits for approval. A
// content item has at most one open case: later reports and resubmissions
// join it, so a moderator sees one story instead of ten copies.
//
// The service decides nothing about who may do what: callers ask the policy
// first (actions content.report, moderation.* and audit.* in package policy)
// and pass the already-authorised caller in. What the service does enforce
// is what must hold whoever asks: a reason for every moderator action, the
// allowed moves between case states, one report per person per content
// item, nobody reporting or deciding about their own content, and a record
// of who, when and why for every report, action and sanction.
//
// Each feature registers its kinds of content (Register: resolve, check,
// apply, and list by author), and the Service runs one workflow over all of
// them: Decide (the kind's check, the author's consent, the action, the
// content following it) and WithdrawByAuthor (a withdrawn consent takes the
// author's content out of every audience it no longer may reach). Whether
// an author may appear at all is the policy's (content.appear).
//
// Screening itself (chorus/moderation/screen) and the helpline directory
// (chorus/moderation/helpline) are separate packages; this one only records
// what they found and what people did about it.
package moderation
