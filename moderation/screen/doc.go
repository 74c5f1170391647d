// Package screen is the automatic screening of text that young people write,
// run on every save (safeguarding rule 5 of the design). A text that shares
// personal data (an e-mail address, a phone number, a street address, a
// social-media handle, a link) or contains a listed word is held: nobody
// outside the author's group sees it before a moderator has.
//
// Screening reads the text normalised first (reading.go: NFKC, invisible
// characters dropped, look-alike letters read as Latin), then looks for
// what is written out to get past it (spelled.go: "lena (at) gmail (dot)
// com", "zéro six, douze...", "my snapchat is tommy2011"), and words
// spelled with leetspeak, stars, spaces or repeated letters (words.go).
// testdata/obfuscated.txt and testdata/ordinary.txt are the corpora that
// keep it honest both ways.
//
// Screening is a first filter, not a judge. It leans towards holding, since
// a held text costs a moderator a glance while a leaked phone number cannot
// be taken back, but it still misses what a determined writer disguises
// well enough. Moderators stay the safeguard; screening sends
// them what most needs a look and tells the young author why, in words a
// 13-year-old understands (Reason).
//
// The word lists are data (words/*.txt) so that coordinators and reviewers
// can read and extend them without reading Go; New adds a panel's own words
// and applies the lists of every language the panel works in.
// The detectors are hand-written scanners and a few regular expressions,
// so a save never waits on a network service.
package screen
