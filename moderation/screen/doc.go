// Package screen is the automatic screening of text that young people write,
// run on every save (safeguarding rule 5 of the design). A text that shares
// personal data (an e-mail address, a phone number, a street address, a
// social-media handle, a link) or contains a listed word is held: nobody
// outside the author's group sees it before a moderator has.
//
// Screening is a first filter, not a judge. It leans towards holding, since
// a held text costs a moderator a glance while a leaked phone number cannot
// be taken back, but it still misses what a determined writer disguises
// ("zero six, twelve..."). Moderators stay the safeguard; screening sends
// them what most needs a look and tells the young author why, in words a
// 13-year-old understands (Reason).
//
// The word lists are data (words/*.txt) so that coordinators and reviewers
// can read and extend them without reading Go; New adds a panel's own words.
// The detectors are hand-written scanners and a few regular expressions,
// so a save never waits on a network service.
package screen
