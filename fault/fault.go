// Package fault is Chorus's one error type: a few stable codes that every
// layer understands. Adapters translate driver errors into these codes; the
// HTTP layer maps each code to one status in exactly one place.
package fault

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers and for the HTTP layer.
type Code string

// The codes. Keep this list short: a new code needs a new HTTP mapping.
const (
	Invalid      Code = "invalid"      // the request is malformed or breaks a rule
	NotFound     Code = "not_found"    // the thing does not exist (or is not visible)
	Conflict     Code = "conflict"     // stale version or duplicate key
	Unauthorized Code = "unauthorized" // who you are is unknown
	Forbidden    Code = "forbidden"    // you are known but may not do this
	TooLarge     Code = "too_large"    // a size limit was exceeded
	RateLimited  Code = "rate_limited" // too many attempts; wait and try again
	Unavailable  Code = "unavailable"  // a dependency is down; try again later
	Internal     Code = "internal"     // a bug or an unexpected failure
)

// Error is an error with a code and a message that is safe to show to the
// person who made the request. The wrapped error (if any) is for logs only.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Format and Args are what Errorf was given, so that the HTTP layer can
	// look the format up in its translation catalogue and show the message
	// in the reader's language.
	Format string
	Args   []any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted, client-safe message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Localize returns err's client-safe message translated by translate, which
// maps an English format string to the reader's language (ok=false when it
// has none: the English message is used). Internal errors stay generic.
func Localize(err error, translate func(format string) (string, bool)) string {
	var e *Error
	if !errors.As(err, &e) || e.Code == Internal || e.Format == "" {
		return MessageOf(err)
	}
	format, args := e.Format, e.Args
	// A message kept in a constant is passed as Errorf(code, "%s", Msg).
	if format == "%s" && len(args) == 1 {
		if s, ok := args[0].(string); ok {
			format, args = s, nil
		}
	}
	t, ok := translate(format)
	if !ok {
		return e.Message
	}
	return fmt.Sprintf(t, args...)
}

// Wrap returns an *Error with code and message that keeps err for logs.
func Wrap(code Code, err error, message string) error {
	return &Error{Code: code, Message: message, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for any
// other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the client-safe message of err; internal errors get a
// generic text so that no detail leaks.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
