package helpline

import (
	"strings"
	"testing"

	"chorus/fault"
)

func TestFor(t *testing.T) {
	tests := []struct {
		country string
		want    Helpline
	}{
		{"FR", Helpline{Name: "3018 – e-Enfance", URL: "https://e-enfance.org/numero-3018/", Phone: "3018", European: "116 111"}},
		{"de", Helpline{Name: "Nummer gegen Kummer", URL: "https://www.nummergegenkummer.de", Phone: "116 111"}},
		{"GB", Helpline{Name: "Childline", URL: "https://www.childline.org.uk", Phone: "0800 1111"}}, // not in the EU
		{" uk ", Helpline{Name: "Childline", URL: "https://www.childline.org.uk", Phone: "0800 1111"}},
		{"IE", Helpline{Name: "Childline", URL: "https://www.childline.ie", Phone: "1800 66 66 66", European: "116 111"}},
		{"CH", european}, // not in the directory
		{"", european},
		{"nonsense", european},
	}
	for _, tt := range tests {
		if got := For(tt.country); got != tt.want {
			t.Errorf("For(%q) = %+v, want %+v", tt.country, got, tt.want)
		}
	}
	if european.Phone != "116 111" {
		t.Errorf("fallback phone = %q, want the European child helpline 116 111", european.Phone)
	}
}

// Issue 14: these countries have national helplines; each entry names the
// page it was checked on, and the national number comes first, with
// 116 111 beside it in EU member states.
func TestNationalHelplinesFirst(t *testing.T) {
	want := map[string]string{"PT": "800 21 90 90", "BE": "116 000", "BG": "124 123", "CY": "1480", "LU": "116 111", "MT": "179", "IS": "1717", "LI": "147"}
	for c, phone := range want {
		h := For(c)
		if h == european || h.Phone != phone {
			t.Errorf("For(%s) = %+v, want the national helpline on %s", c, h, phone)
		}
		if !strings.HasPrefix(h.Source, "https://") {
			t.Errorf("For(%s): source %q, want the address of the page it was checked on", c, h.Source)
		}
		beside := ""
		if c != "LU" && c != "IS" && c != "LI" { // LU's national line is 116 111; IS and LI are not in the EU
			beside = "116 111"
		}
		if h.European != beside {
			t.Errorf("For(%s).European = %q, want %q", c, h.European, beside)
		}
	}
	if d, _ := Load([]byte(`{"BE": {"name": "X", "url": "https://x.example", "phone": "116 111", "european": "999"}}`)); d.For("BE").European != "" {
		t.Errorf("a national line on 116 111 gets %q beside it, want nothing", d.For("BE").European)
	}
}

func TestLoadOverrides(t *testing.T) {
	d, err := Load([]byte(`{
		"fr": {"name": "Net Écoute", "url": "https://example.fr/aide", "phone": "+33 800 200 000"},
		"BE": {"name": "Child Focus", "url": "https://childfocus.be"}
	}`))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := d.For("FR"); got.Name != "Net Écoute" || got.Phone != "+33 800 200 000" {
		t.Errorf("For(FR) = %+v, want the override", got)
	}
	if got := d.For("be"); got.Name != "Child Focus" || got.Phone != "" {
		t.Errorf("For(BE) = %+v, want the added entry", got)
	}
	if got := d.For("DE"); got.Name != "Nummer gegen Kummer" {
		t.Errorf("For(DE) = %+v, want the built-in entry kept", got)
	}
	if got := For("FR"); got.Name != "3018 – e-Enfance" {
		t.Errorf("built-in For(FR) = %+v after an override elsewhere, want it unchanged", got)
	}
}

func TestLoadValidates(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"malformed", `{"FR": `, "malformed"},
		{"unknown field", `{"FR": {"name": "x", "url": "https://x.fr", "phon": "1"}}`, "malformed"},
		{"country", `{"FRA": {"name": "x", "url": "https://x.fr"}}`, "country code"},
		{"empty name", `{"FR": {"name": " ", "url": "https://x.fr"}}`, "name is empty"},
		{"http", `{"FR": {"name": "x", "url": "http://x.fr"}}`, "https://"},
		{"no url", `{"FR": {"name": "x"}}`, "https://"},
		{"no host", `{"FR": {"name": "x", "url": "https://"}}`, "https://"},
		{"phone", `{"FR": {"name": "x", "url": "https://x.fr", "phone": "call 3018"}}`, "phone number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.json))
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("Load error = %v, want fault.Invalid", err)
			}
			if msg := fault.MessageOf(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q, want it to mention %q", msg, tt.want)
			}
		})
	}
}

func TestBuiltinCoversEurope(t *testing.T) {
	// Countries left out are those whose helpline we could not check; they
	// get 116 111.
	for _, c := range []string{"AT", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "PL", "SE"} {
		if h := For(c); h == european || h.URL == "" {
			t.Errorf("For(%s) = %+v, want a national helpline with a web address", c, h)
		}
	}
}
