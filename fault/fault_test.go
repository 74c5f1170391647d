package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"chorus/fault"
)

func TestCodeSurvivesWrapping(t *testing.T) {
	base := fault.Errorf(fault.Conflict, "pledge %s changed", "p1")
	wrapped := fmt.Errorf("UpdatePledge(p1): %w", base)
	if got := fault.CodeOf(wrapped); got != fault.Conflict {
		t.Fatalf("CodeOf(wrapped) = %q, want %q", got, fault.Conflict)
	}
	if got := fault.MessageOf(wrapped); got != "pledge p1 changed" {
		t.Fatalf("MessageOf = %q", got)
	}
}

func TestUnknownErrorsAreInternalAndHidden(t *testing.T) {
	err := errors.New("sql: connection refused on 10.0.0.3")
	if got := fault.CodeOf(err); got != fault.Internal {
		t.Fatalf("CodeOf = %q, want internal", got)
	}
	if msg := fault.MessageOf(err); msg == err.Error() {
		t.Fatalf("internal detail leaked: %q", msg)
	}
	wrapped := fault.Wrap(fault.Internal, err, "could not save")
	if msg := fault.MessageOf(wrapped); msg == "could not save" {
		t.Fatalf("internal message leaked: %q", msg)
	}
	if !errors.Is(wrapped, err) {
		t.Fatal("Wrap must keep the cause for errors.Is")
	}
	if fault.CodeOf(nil) != "" || fault.Is(nil, fault.Internal) {
		t.Fatal("nil must carry no code")
	}
}

func TestLocalize(t *testing.T) {
	fr := map[string]string{
		"The %s is too long.": "Le champ %s est trop long.",
		"Please sign in.":     "Connecte-toi.",
	}
	tr := func(f string) (string, bool) { s, ok := fr[f]; return s, ok }
	cases := []struct {
		err  error
		want string
	}{
		{fault.Errorf(fault.Invalid, "The %s is too long.", "nom"), "Le champ nom est trop long."},
		{fault.Errorf(fault.Unauthorized, "%s", "Please sign in."), "Connecte-toi."},
		{fault.Errorf(fault.Invalid, "Not in the catalogue."), "Not in the catalogue."},
		{fmt.Errorf("wrapped: %w", fault.Errorf(fault.Unauthorized, "Please sign in.")), "Connecte-toi."},
		{errors.New("boom"), fault.MessageOf(errors.New("boom"))},
	}
	for _, c := range cases {
		if got := fault.Localize(c.err, tr); got != c.want {
			t.Errorf("Localize(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
