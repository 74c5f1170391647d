package main

import (
	"encoding/json"
	"fmt"
	"os"

	"chorus/config"
	"chorus/moderation/helpline"
	"chorus/moderation/screen"
	"chorus/server/httpapi"
)

// loadSafeguardingData reads the data files coordinators keep up to date
// (extra screening words, helplines) and hands them to the services. A file
// that is set but unreadable or invalid stops the start: running without a
// coordinator's words would let through what they meant to hold.
func loadSafeguardingData(cfg config.Config, p *httpapi.People) error {
	if cfg.ScreenWordsFile != "" {
		data, err := os.ReadFile(cfg.ScreenWordsFile)
		if err != nil {
			return fmt.Errorf("SCREEN_WORDS_FILE: %w", err)
		}
		var extra map[string][]string
		if err := json.Unmarshal(data, &extra); err != nil {
			return fmt.Errorf("SCREEN_WORDS_FILE %s: expected {\"fr\": [\"word\", ...], ...}: %w", cfg.ScreenWordsFile, err)
		}
		sc, err := screen.New(extra)
		if err != nil {
			return fmt.Errorf("SCREEN_WORDS_FILE %s: %w", cfg.ScreenWordsFile, err)
		}
		p.Pledges.Screener = sc
		p.LiveSessions.Screener = sc
		p.Identity.Screener = sc
	}
	if cfg.HelplinesFile != "" {
		data, err := os.ReadFile(cfg.HelplinesFile)
		if err != nil {
			return fmt.Errorf("HELPLINES_FILE: %w", err)
		}
		dir, err := helpline.Load(data)
		if err != nil {
			return fmt.Errorf("HELPLINES_FILE %s: %w", cfg.HelplinesFile, err)
		}
		p.Helplines = dir
	}
	return nil
}
