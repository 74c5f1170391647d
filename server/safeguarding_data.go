package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"chorus/app"
	"chorus/config"
	"chorus/moderation/helpline"
	"chorus/moderation/wordlist"
	"chorus/store"
)

// loadSafeguardingData reads the data files coordinators keep up to date
// (extra screening words, helplines), sets up the word lists coordinators
// keep in the app, and hands them to the services. A file
// that is set but unreadable or invalid stops the start: running without a
// coordinator's words would let through what they meant to hold.
func loadSafeguardingData(ctx context.Context, cfg config.Config, docs store.Documents, p *app.Services) error {
	var extra map[string][]string
	if cfg.ScreenWordsFile != "" {
		data, err := os.ReadFile(cfg.ScreenWordsFile)
		if err != nil {
			return fmt.Errorf("SCREEN_WORDS_FILE: %w", err)
		}
		if err := json.Unmarshal(data, &extra); err != nil {
			return fmt.Errorf("SCREEN_WORDS_FILE %s: expected {\"fr\": [\"word\", ...], ...}: %w", cfg.ScreenWordsFile, err)
		}
	}
	// Each panel's screener: the lists of its languages, the file's words
	// and the words its coordinators keep in the app.
	words, err := wordlist.NewService(docs, func(ctx context.Context, panelID string) ([]string, error) {
		panel, err := p.Identity.Panel(ctx, panelID)
		return panel.Languages, err
	}, extra)
	if err != nil {
		return fmt.Errorf("SCREEN_WORDS_FILE %s: %w", cfg.ScreenWordsFile, err)
	}
	if err := words.Declare(ctx); err != nil {
		return err
	}
	p.ScreenWords = words
	p.Pledges.Screeners = words
	p.LiveSessions.Screeners = words
	p.Identity.Screeners = words
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
