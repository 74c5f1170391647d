package pledge

import (
	"strconv"
	"strings"

	"chorus/fault"
)

// The parsers below turn what a client sends (query parameters, names) into
// domain values, with messages a young person understands; the HTTP layer
// uses them so that it has no rules of its own.

// ParseState reads a life-cycle state.
func ParseState(s string) (State, error) {
	st := State(strings.TrimSpace(s))
	if _, ok := stateWords[st]; !ok {
		return "", fault.Errorf(fault.Invalid, "A pledge can be draft, in_review, published, in_round or closed.")
	}
	return st, nil
}

// ParseField reads an item field name; empty means the text.
func ParseField(s string) (Field, error) {
	switch f := Field(s); f {
	case "":
		return Text, nil
	case Heading, Text, Summary:
		return f, nil
	}
	return "", fault.Errorf(fault.Invalid, "You can only change the heading, the text or the summary of an item.")
}

// ParseNumber reads a version number or count from a query parameter; def
// when it is empty.
func ParseNumber(what, s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fault.Errorf(fault.Invalid, "The %s must be a whole number, 0 or more.", what)
	}
	return n, nil
}

// Format is an export format.
type Format string

// The export formats.
const (
	FormatMarkdown Format = "md"
	FormatHTML     Format = "html"
)

// ParseFormat reads an export format; empty means Markdown.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", FormatMarkdown:
		return FormatMarkdown, nil
	case FormatHTML:
		return FormatHTML, nil
	}
	return "", fault.Errorf(fault.Invalid, "You can download a pledge as md (Markdown) or html (a page to print).")
}

// NotPublished is the error for asking for a published version of a pledge
// that has none.
func NotPublished() error {
	return fault.Errorf(fault.NotFound, "This pledge has not been published yet.")
}
