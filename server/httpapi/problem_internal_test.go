package httpapi

import (
	"net/http"
	"testing"
)

// Every problem title (the HTTP status text) is in every catalogue.
func TestProblemTitlesAreTranslated(t *testing.T) {
	statuses := []int{http.StatusMethodNotAllowed}
	for _, st := range statusOf {
		statuses = append(statuses, st)
	}
	for _, lang := range apiLanguages[1:] {
		for _, st := range statuses {
			if _, ok := translator(lang)(http.StatusText(st)); !ok {
				t.Errorf("messages/%s.json lacks the title %q", lang, http.StatusText(st))
			}
		}
	}
}
