package helpline

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"

	"chorus/fault"
)

// Helpline is a service a young person can contact.
type Helpline struct {
	Name  string `json:"name"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"` // as people dial it in the country
	// European is 116 111 where the national helpline has another
	// number and the EU reserves 116 111 for child helplines (its member
	// states): shown beside the national number, so a child who knows
	// only one of them still finds help. Set by For, never by the data.
	European string `json:"european,omitempty"`
	// Source says where the entry was checked, and when.
	Source string `json:"source,omitempty"`
}

// EuropeanNumber is the child helpline number the EU reserves in every
// member state (Commission Decision 2007/116/EC).
const EuropeanNumber = "116 111"

// european is the answer for a country without an entry.
var european = Helpline{Name: "European child helpline", Phone: EuropeanNumber}

// euMembers are the countries where 116 111 is reserved for child helplines.
var euMembers = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK") {
		m[c] = true
	}
	return m
}()

//go:embed helplines.json
var builtinJSON []byte

// Directory maps ISO 3166-1 alpha-2 country codes to helplines.
type Directory struct {
	byCountry map[string]Helpline
}

var builtin = func() *Directory {
	d, err := Load(nil)
	if err != nil {
		panic("helpline: helplines.json: " + err.Error())
	}
	return d
}()

// Load returns the built-in directory with the entries of overrides, a JSON
// object in the shape of helplines.json ({"FR": {"name": ..., "url": ...,
// "phone": ...}}), put in place of the built-in ones. An entry needs a name
// and an https URL; a phone number holds only digits, spaces, "+" and "-".
// It returns a fault.Invalid error for malformed JSON or an invalid entry.
func Load(overrides []byte) (*Directory, error) {
	d := &Directory{byCountry: map[string]Helpline{}}
	for _, data := range [][]byte{builtinJSON, overrides} {
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		entries, err := parse(data)
		if err != nil {
			return nil, err
		}
		maps.Copy(d.byCountry, entries)
	}
	return d, nil
}

func parse(data []byte) (map[string]Helpline, error) {
	var raw map[string]Helpline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "Helplines: the JSON is malformed; it must map country codes to {name, url, phone}.")
	}
	entries := make(map[string]Helpline, len(raw))
	for _, code := range slices.Sorted(maps.Keys(raw)) {
		h := raw[code]
		country := normalize(code)
		h.Name, h.URL, h.Phone = strings.TrimSpace(h.Name), strings.TrimSpace(h.URL), strings.TrimSpace(h.Phone)
		u, err := url.Parse(h.URL)
		switch {
		case len(country) != 2 || !only(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
			return nil, fault.Errorf(fault.Invalid, "Helplines: %q is not a country code such as \"FR\".", code)
		case h.Name == "":
			return nil, fault.Errorf(fault.Invalid, "Helplines (%s): the name is empty.", country)
		case err != nil || u.Scheme != "https" || u.Host == "":
			return nil, fault.Errorf(fault.Invalid, "Helplines (%s): the address must be a web address starting with https://.", country)
		case !only(h.Phone, "0123456789 +-"):
			return nil, fault.Errorf(fault.Invalid, "Helplines (%s): a phone number holds only digits, spaces, + and -.", country)
		}
		entries[country] = h
	}
	return entries, nil
}

// only reports whether s holds only characters of allowed.
func only(s, allowed string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return !strings.ContainsRune(allowed, r) })
}

// normalize upper-cases a country code and reads the codes people use
// instead of ISO's: UK for GB, EL (the EU's code) for GR.
func normalize(country string) string {
	c := strings.ToUpper(strings.TrimSpace(country))
	switch c {
	case "UK":
		return "GB"
	case "EL":
		return "GR"
	}
	return c
}

// For returns the helpline of country (an ISO 3166-1 alpha-2 code, any
// case), with 116 111 beside its own number in EU member states (see
// Helpline.European), or the European child helpline, 116 111, for a
// country without one.
func (d *Directory) For(country string) Helpline {
	c := normalize(country)
	h, ok := d.byCountry[c]
	if !ok {
		return european
	}
	h.European = ""
	if euMembers[c] && strings.ReplaceAll(h.Phone, " ", "") != strings.ReplaceAll(EuropeanNumber, " ", "") {
		h.European = EuropeanNumber
	}
	return h
}

// For returns the helpline of country from the built-in directory; see
// Directory.For.
func For(country string) Helpline { return builtin.For(country) }
