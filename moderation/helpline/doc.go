// Package helpline says which helpline a young person can call or write
// to. A report in the safeguarding category shows the reporter the helpline
// of their country (safeguarding rule 6 of the design): someone who reports
// harm may need an adult to talk to at once, before any moderator answers.
//
// The built-in directory (helplines.json) lists the child and online-safety
// helplines of EU and EEA countries and the United Kingdom that we are sure
// of; a country we are not sure of is left out rather than guessed, and
// gets 116 111, the number the EU reserves for child helplines in every
// member state.
// Each entry names in "source" the page it was checked on. The national
// number comes first; in EU member states 116 111 is given beside it (For).
// Numbers and addresses change, so a coordinator corrects or adds entries
// with Load instead of waiting for a release.
package helpline
