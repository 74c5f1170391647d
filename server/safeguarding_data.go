package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"chorus/config"
	"chorus/moderation/helpline"
	"chorus/moderation/wordlist"
	"chorus/store"
)

// loadSafeguardingData reads the data files coordinators keep up to date
// (extra screening words, helplines) and sets up the word lists
// coordinators keep in the app, which give every panel its screener (the
// lists of the panel's languages, from languages). A file that is set but
// unreadable or invalid stops the start: running without a coordinator's
// words would let through what they meant to hold. Without HELPLINES_FILE
// the directory is nil: the built-in helplines.
func loadSafeguardingData(ctx context.Context, cfg config.Config, docs store.Documents, languages wordlist.Languages) (*wordlist.Service, *helpline.Directory, error) {
	var extra map[string][]string
	if cfg.ScreenWordsFile != "" {
		data, err := os.ReadFile(cfg.ScreenWordsFile)
		if err != nil {
			return nil, nil, fmt.Errorf("SCREEN_WORDS_FILE: %w", err)
		}
		if err := json.Unmarshal(data, &extra); err != nil {
			return nil, nil, fmt.Errorf("SCREEN_WORDS_FILE %s: expected {\"fr\": [\"word\", ...], ...}: %w", cfg.ScreenWordsFile, err)
		}
	}
	words, err := wordlist.NewService(docs, languages, extra)
	if err != nil {
		return nil, nil, fmt.Errorf("SCREEN_WORDS_FILE %s: %w", cfg.ScreenWordsFile, err)
	}
	if err := words.Declare(ctx); err != nil {
		return nil, nil, err
	}
	if cfg.HelplinesFile == "" {
		return words, nil, nil
	}
	data, err := os.ReadFile(cfg.HelplinesFile)
	if err != nil {
		return nil, nil, fmt.Errorf("HELPLINES_FILE: %w", err)
	}
	dir, err := helpline.Load(data)
	if err != nil {
		return nil, nil, fmt.Errorf("HELPLINES_FILE %s: %w", cfg.HelplinesFile, err)
	}
	return words, dir, nil
}
