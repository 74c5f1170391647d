// Package livesession runs supervised live sessions: a moderator or
// coordinator schedules one in a panel, invites partner organisations, and
// youth and partners meet there in a chat and on a question board (youth
// ask, partners answer).
//
// Safeguarding rule 3 is this package's to keep: a session accepts posts
// only while at least MinModerators moderators of the panel are connected
// to its topic ("session:<id>"); otherwise it is paused, read-only, and
// says why. Who is connected comes from the real-time hub (the Presence
// port). The state is stored and changes in exactly one place, Reconcile,
// which appends "session.paused" or "session.resumed" on the session's
// topic only when the state flips. The server calls Refresh whenever
// presence on a session topic changes, and every post counts the
// moderators again before it is accepted: a stored state is never trusted.
//
// Rules 2 and 5 apply to what is written: youth text is screened and held
// on a hit (its author sees why, a screening case opens); a minor's text
// reaches partners only after a moderator approved it; partner text is
// screened and, unless the panel chose post-moderation, waits for a
// moderator before youth see it. Moderators decide through moderation
// cases (package moderation keeps the record of who, when and why).
//
// The service decides nothing about who may do what: the transport asks
// the policy first (session.* actions) and passes the caller in as an
// Author or a Viewer.
package livesession
