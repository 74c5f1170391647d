package policy

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"chorus/consent"
)

type audienceLine struct {
	audience  Audience
	who       []string
	bands     []string
	confirmed bool
	holds     []consent.Scope
}

func loadAudiences(t *testing.T) []audienceLine {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "video_audience.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audienceLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fs := strings.Fields(text)
		if len(fs) == 0 {
			continue
		}
		if len(fs) < 4 || !slices.Contains(Audiences, Audience(fs[0])) || (fs[3] != "any" && fs[3] != "confirmed") {
			t.Fatalf("video_audience.txt:%d: want audience who bands any|confirmed [scopes], got %q", n, text)
		}
		l := audienceLine{audience: Audience(fs[0]), who: splitChecked(t, n, fs[1], []string{"youth", "staff"}),
			bands: splitChecked(t, n, fs[2], bandNames()), confirmed: fs[3] == "confirmed"}
		if len(fs) > 4 {
			for _, s := range strings.Split(fs[4], ",") {
				if !slices.Contains(consent.Scopes, consent.Scope(s)) {
					t.Fatalf("video_audience.txt:%d: unknown scope %q", n, s)
				}
				l.holds = append(l.holds, consent.Scope(s))
			}
		}
		out = append(out, l)
	}
	return out
}

func audienceAllows(lines []audienceLine, aud Audience, who string, p Appearer) bool {
	band := p.Band
	if band == "" {
		band = consent.MinorBelowConsentAge
	}
	for _, l := range lines {
		if l.audience != aud || !has(l.who, who) || !has(l.bands, string(band)) || (l.confirmed && !p.Confirmed) {
			continue
		}
		if !slices.ContainsFunc(l.holds, func(s consent.Scope) bool { return !slices.Contains(p.Consents, s) }) {
			return true
		}
	}
	return false
}

// TestVideoAudienceMatrix checks VideoBlockers for one tagged person over
// every audience, kind of person, band, set of consents and tag state,
// both ways against video_audience.txt; a refusal names the person and,
// when a consent is missing, a scope the person lacks.
func TestVideoAudienceMatrix(t *testing.T) {
	lines := loadAudiences(t)
	bands := append([]consent.AgeBand{""}, consent.AgeBands...) // the zero band: unknown, treated as a minor
	checked := 0
	for _, aud := range Audiences {
		for _, who := range []string{"youth", "staff"} {
			for _, band := range bands {
				for _, held := range subsets() {
					for _, confirmed := range []bool{false, true} {
						checked++
						p := Appearer{AccountID: "a", Confirmed: confirmed, Youth: who == "youth", Band: band, Consents: held}
						got := VideoBlockers(aud, []Appearer{p})
						want := audienceAllows(lines, aud, who, p)
						if (len(got) == 0) != want {
							t.Errorf("%s, %s %s holding %v, confirmed %t: got blockers %v, want allowed %t", aud, who, band, held, confirmed, got, want)
							continue
						}
						for _, b := range got {
							if b.AccountID != "a" {
								t.Errorf("%s: blocker %v does not name the person", aud, b)
							}
							if b.Scope != "" && (slices.Contains(held, b.Scope) || b.Reason != ReasonConsentRequired+":"+string(b.Scope)) {
								t.Errorf("%s, holding %v: blocker %v names a scope that is held or a wrong reason", aud, held, b)
							}
							if b.Scope == "" && b.Reason != ReasonTagNotConfirmed {
								t.Errorf("%s: blocker %v, want a missing scope or %s", aud, b, ReasonTagNotConfirmed)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("checked %d combinations", checked)
}

func TestVideoBlockersOfSeveralPeople(t *testing.T) {
	all := []consent.Scope{consent.Participate, consent.VideoAppear, consent.VideoPublish}
	ok := Appearer{AccountID: "ok", Confirmed: true, Youth: true, Band: consent.MinorAtConsentAge, Consents: all}
	noPublish := Appearer{AccountID: "np", Confirmed: true, Youth: true, Band: consent.MinorAtConsentAge, Consents: all[:2]}
	pending := Appearer{AccountID: "p", Youth: true, Band: consent.Adult, Consents: all}
	for _, tc := range []struct {
		aud    Audience
		tagged []Appearer
		want   []string
	}{
		{AudiencePartners, nil, []string{":" + ReasonNobodyTagged}},
		{AudienceGroup, nil, nil},
		{AudiencePanel, []Appearer{ok, noPublish}, nil},
		{AudiencePartners, []Appearer{ok, noPublish}, []string{"np:" + ReasonConsentRequired + ":video_publish"}},
		{AudienceEvent, []Appearer{pending, noPublish, ok}, []string{"p:" + ReasonTagNotConfirmed, "np:" + ReasonConsentRequired + ":video_publish"}},
		{Audience("public"), []Appearer{ok}, []string{":" + ReasonUnknownAudience}},
	} {
		var got []string
		for _, b := range VideoBlockers(tc.aud, tc.tagged) {
			got = append(got, b.AccountID+":"+b.Reason)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s with %d tagged: got %v, want %v", tc.aud, len(tc.tagged), got, tc.want)
		}
	}
}
