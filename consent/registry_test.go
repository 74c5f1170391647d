package consent_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"chorus/consent"
)

// TestWhoManages is the who-decides matrix of DESIGN.md and issue 3, for
// every scope, band and joint (France below 15) or not.
func TestWhoManages(t *testing.T) {
	const (
		Y = consent.ManagedByYouth
		G = consent.ManagedByGuardian
		J = consent.ManagedByJoint
	)
	type row struct{ adult, atAge, below, belowJoint consent.Manager }
	want := map[consent.Scope]row{
		consent.Participate:           {Y, Y, G, J},
		consent.VideoAppear:           {Y, Y, G, J},
		consent.VideoPublish:          {Y, G, G, J},
		consent.NameVisibleToPartners: {Y, G, G, J},
	}
	r := consent.DefaultRegistry()
	for _, scope := range consent.Scopes {
		w, ok := want[scope]
		if !ok {
			t.Fatalf("scope %s missing from the matrix", scope)
		}
		for _, tc := range []struct {
			band  consent.AgeBand
			joint bool
			want  consent.Manager
		}{
			{consent.Adult, false, w.adult}, {consent.Adult, true, w.adult},
			{consent.MinorAtConsentAge, false, w.atAge}, {consent.MinorAtConsentAge, true, w.atAge},
			{consent.MinorBelowConsentAge, false, w.below}, {consent.MinorBelowConsentAge, true, w.belowJoint},
		} {
			// joint=true stands for FR; the joint flag only ever matters below the consent age.
			if got := r.WhoManages(scope, tc.band, tc.joint); got != tc.want {
				t.Errorf("WhoManages(%s, %s, joint=%v) = %s, want %s", scope, tc.band, tc.joint, got, tc.want)
			}
		}
	}
	if got := r.WhoManages("location_sharing", consent.Adult, false); got != consent.NotAllowed {
		t.Errorf("unknown scope managed by %s, want not_allowed", got)
	}
	// Through the ages table: a 14-year-old in France and in Germany.
	a := consent.DefaultAges()
	on := date("2026-11-23")
	for _, tc := range []struct {
		country string
		want    consent.Manager
	}{{"FR", J}, {"DE", G}, {"BE", Y}} {
		band := a.Band(date("2012-01-01"), tc.country, on)
		if got := r.WhoManages(consent.Participate, band, a.Joint(band, tc.country)); got != tc.want {
			t.Errorf("participate for a 14-year-old in %s: %s, want %s", tc.country, got, tc.want)
		}
	}
}

func TestVerificationLevels(t *testing.T) {
	r := consent.DefaultRegistry()
	want := map[consent.Scope]consent.Level{
		consent.Participate: consent.LevelEmailConfirmed, consent.VideoAppear: consent.LevelEmailConfirmed,
		consent.VideoPublish: consent.LevelStrong, consent.NameVisibleToPartners: consent.LevelStrong,
	}
	for scope, lvl := range want {
		if got := r.GuardianLevel(scope); got != lvl {
			t.Errorf("GuardianLevel(%s) = %q, want %q", scope, got, lvl)
		}
	}
	if consent.MethodEmailConfirmed.Level().AtLeast(consent.LevelStrong) {
		t.Error("a confirmed e-mail must not count as strong")
	}
	for _, m := range []consent.Method{consent.MethodSignedFormChecked, consent.MethodAgeAssurance} {
		if !m.Level().AtLeast(consent.LevelStrong) {
			t.Errorf("%s must be strong", m)
		}
	}
}

func TestCatalogueComplete(t *testing.T) {
	r := consent.DefaultRegistry()
	seen := map[string]bool{}
	for _, scope := range consent.Scopes {
		info, err := r.Info(scope)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range consent.Languages {
			if info.ShortName[lang] == "" {
				t.Errorf("%s has no short name in %s", scope, lang)
			}
			for _, aud := range []consent.Audience{consent.ForYouth, consent.ForGuardian} {
				text, err := r.Text(scope, aud, lang)
				if err != nil || text == "" {
					t.Errorf("%s/%s/%s: empty text (%v)", scope, aud, lang, err)
					continue
				}
				hash, _ := r.TextHash(scope, aud, lang)
				sum := sha256.Sum256([]byte(text))
				if hash != hex.EncodeToString(sum[:]) {
					t.Errorf("%s/%s/%s: TextHash is not the sha256 of the text shown", scope, aud, lang)
				}
				if seen[hash] {
					t.Errorf("%s/%s/%s: text identical to another one (untranslated?)", scope, aud, lang)
				}
				seen[hash] = true
				if aud == consent.ForYouth && len([]rune(text)) > 320 {
					t.Errorf("%s youth text in %s is %d characters: keep it short for a 13-year-old", scope, lang, len([]rune(text)))
				}
			}
		}
	}
	if _, err := r.Text(consent.Participate, consent.ForYouth, "nl"); err == nil {
		t.Error("Text in an unsupported language must fail")
	}
}

// TestShortNamesSpeakInNobodysVoice: a scope's short name labels the young
// person's card and the guardian's checkbox alike, so it says neither "my"
// (the child's voice on the guardian's page: "Montrer mon nom complet") nor
// "your" in any register (issue 15).
func TestShortNamesSpeakInNobodysVoice(t *testing.T) {
	voice := map[string]*regexp.Regexp{
		"en": regexp.MustCompile(`(?i)\b(my|me|mine|your|yours|you)\b`),
		"fr": regexp.MustCompile(`(?i)(^|[^\pL])(mon|ma|mes|moi|ton|ta|tes|toi|votre|vos|vous)([^\pL]|$)`),
		"de": regexp.MustCompile(`(?i)(^|[^\pL])(mein\pL*|dein\pL*|ihr\pL*|du|dich|dir|sie)([^\pL]|$)`),
		"it": regexp.MustCompile(`(?i)(^|[^\pL])(mio|mia|miei|mie|tuo|tua|tuoi|tue|suo|sua|lei)([^\pL]|$)`),
		"es": regexp.MustCompile(`(?i)(^|[^\pL])(mi|mis|tu|tus|su|sus|usted)([^\pL]|$)`),
	}
	r := consent.DefaultRegistry()
	for _, scope := range consent.Scopes {
		info, err := r.Info(scope)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range consent.Languages {
			re, ok := voice[lang]
			if !ok {
				t.Errorf("no voice words for %s: add them here", lang)
				continue
			}
			if name := info.ShortName[lang]; re.MatchString(name) {
				t.Errorf("%s short name in %s speaks in someone's voice: %q", scope, lang, name)
			}
		}
	}
}

func TestParseRegistryRejectsMissingTranslation(t *testing.T) {
	raw, err := os.ReadFile("data/scopes.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	scopes := doc["scopes"].([]any)
	delete(scopes[2].(map[string]any)["guardianText"].(map[string]any), "de")
	broken, _ := json.Marshal(doc)
	if _, err := consent.ParseRegistry(broken); err == nil || !bytes.Contains([]byte(err.Error()), []byte("video_publish")) {
		t.Errorf("ParseRegistry without a German guardian text: %v, want an error naming video_publish", err)
	}
}
