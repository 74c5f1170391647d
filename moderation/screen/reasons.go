package screen

import (
	"embed"
	"encoding/json"
	"io/fs"
	"path"
	"strings"
)

// The reason texts are data (reasons/<lang>.json) so that translators read
// and review them without reading Go. They speak to the young author, in
// the familiar form ("tu", "du").
//
//go:embed reasons/*.json
var reasonFiles embed.FS

var reasons = func() map[string]map[string]string {
	files, _ := fs.Glob(reasonFiles, "reasons/*.json")
	m := make(map[string]map[string]string, len(files))
	for _, name := range files {
		b, _ := reasonFiles.ReadFile(name)
		var texts map[string]string
		if err := json.Unmarshal(b, &texts); err != nil {
			panic("screen: " + name + ": " + err.Error())
		}
		m[strings.TrimSuffix(path.Base(name), ".json")] = texts
	}
	return m
}()

// Reason returns the text of a reason key (Hit.Reason) in lang ("fr",
// "de-AT", ...), in English when lang has no catalogue, and the key itself
// when no catalogue has it.
func Reason(key, lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	primary, _, _ = strings.Cut(primary, "_")
	if t, ok := reasons[primary][key]; ok {
		return t
	}
	if t, ok := reasons["en"][key]; ok {
		return t
	}
	return key
}
