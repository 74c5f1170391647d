// Package wordlist keeps each panel's own screening words, which the
// panel's coordinators edit in the app, with a record of every change (who,
// when, which words were added and which removed), and gives each panel
// its screener (safeguarding rule 5): the built-in lists of every language
// the panel works in, the operator's extra words (SCREEN_WORDS_FILE) and
// the panel's own words.
//
// A change applies to the next text screened, in every process, without a
// restart: ScreenerFor reads the stored list's version on every call and
// builds a new screener only when it changed.
//
// Who may read or change a list is the policy's decision
// (panel.screen_words.view, panel.screen_words.edit); the service decides
// nothing about permissions.
package wordlist

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/store"
)

// Collection holds one List per panel, by panel id.
const Collection = "screen_words"

// EventChanged is the event type of a change: the audit record.
const EventChanged = "moderation.screen_words_changed"

// Schemas are the collections of this package.
var Schemas = []store.Schema{{Collection: Collection}}

// List is a panel's own words, as stored.
type List struct {
	PanelID   string    `json:"panelId"`
	Words     []string  `json:"words"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
	UpdatedAt time.Time `json:"updatedAt,omitzero"`
	// Version counts the changes; an edit names the version it started
	// from, so that two coordinators do not undo each other unseen.
	Version int64 `json:"version"`
}

// Change is one entry of a list's history.
type Change struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Added   []string  `json:"added"`
	Removed []string  `json:"removed"`
	Version int64     `json:"version"` // the list's version after the change
}

// Languages returns the languages a panel works in; fault.NotFound for an
// unknown panel.
type Languages func(ctx context.Context, panelID string) ([]string, error)

// Service keeps the lists. Create it with NewService and call Declare once.
type Service struct {
	docs      store.Documents
	languages Languages
	extra     map[string][]string
	Now       func() time.Time

	screeners sync.Map // panel id -> built
}

// built is a panel's screener and what it was built from.
type built struct {
	version  int64
	langs    []string
	screener *screen.Screener
}

// NewService returns a Service on docs. languages says in which languages
// each panel works; extra are the operator's words per language
// (SCREEN_WORDS_FILE), checked in every panel. It returns fault.Invalid
// when extra is not a valid word list (see screen.New).
func NewService(docs store.Documents, languages Languages, extra map[string][]string) (*Service, error) {
	if _, err := screen.New(screen.Lists{Extra: extra}); err != nil {
		return nil, err
	}
	return &Service{docs: docs, languages: languages, extra: extra, Now: time.Now}, nil
}

// Declare declares the collections.
func (s *Service) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, s.docs, "wordlist", Schemas)
}

// Topic is the event subject of a panel's list. No websocket topic
// carries it: young people never receive the words that screening holds.
func Topic(panelID string) string { return "screenwords:" + panelID }

// List returns the panel's own words; a panel without any has an empty
// list at version 0.
func (s *Service) List(ctx context.Context, panelID string) (List, error) {
	d, err := store.GetAs[List](ctx, s.docs, Collection, panelID)
	if fault.Is(err, fault.NotFound) {
		return List{PanelID: panelID, Words: []string{}}, nil
	}
	if err != nil {
		return List{}, err
	}
	d.Value.Version = d.Version
	return d.Value, nil
}

// Replace sets the panel's own words to words (trimmed; repeats, compared
// as screening compares words, kept once, in the order given) and records
// who changed what. version is the List.Version the editor started from.
//
// Errors: fault.Invalid for a word screen.New refuses (empty, without a
// letter, longer than screen.MaxWordLen) or more than screen.MaxExtraWords
// words; fault.Conflict when the list changed since version.
func (s *Service) Replace(ctx context.Context, actorID, panelID string, version int64, words []string) (List, error) {
	words, err := screen.CheckWords(words)
	if err != nil {
		return List{}, err
	}
	words = unique(words)
	cur, err := s.List(ctx, panelID)
	if err != nil {
		return List{}, err
	}
	if cur.Version != version {
		return List{}, fault.Errorf(fault.Conflict, "Someone else changed this list just now. Please reload it and make your change again.")
	}
	added, removed := diff(cur.Words, words)
	if len(added) == 0 && len(removed) == 0 && slices.Equal(cur.Words, words) {
		return cur, nil
	}
	next := List{PanelID: panelID, Words: words, UpdatedBy: actorID, UpdatedAt: s.Now().UTC()}
	if version == 0 {
		err = store.InsertAs(ctx, s.docs, Collection, panelID, next, time.Time{})
		next.Version = 1
	} else {
		next.Version, err = store.UpdateAs(ctx, s.docs, Collection, panelID, version, next, time.Time{})
	}
	if fault.Is(err, fault.Conflict) {
		return List{}, fault.Errorf(fault.Conflict, "Someone else changed this list just now. Please reload it and make your change again.")
	}
	if err != nil {
		return List{}, err
	}
	data, err := json.Marshal(Change{At: next.UpdatedAt, Actor: actorID, Added: added, Removed: removed, Version: next.Version})
	if err != nil {
		return List{}, fault.Wrap(fault.Internal, err, "event cannot be recorded")
	}
	// The change is made; a failure to record it fails the caller, who
	// is told, rather than passing unnoticed.
	if _, err := s.docs.AppendEvent(ctx, store.Event{Time: next.UpdatedAt, Actor: actorID, Type: EventChanged, Subject: Topic(panelID), Data: data}); err != nil {
		return List{}, err
	}
	return next, nil
}

// MaxChanges is the most history entries Changes returns.
const MaxChanges = 200

// Changes returns the latest changes of a panel's list, newest first, at
// most MaxChanges.
func (s *Service) Changes(ctx context.Context, panelID string) ([]Change, error) {
	out := []Change{}
	var after int64
	for {
		evs, err := s.docs.Events(ctx, store.EventQuery{Subject: Topic(panelID), After: after, Limit: store.MaxLimit})
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Type != EventChanged {
				continue
			}
			var c Change
			if err := json.Unmarshal(e.Data, &c); err != nil {
				return nil, fault.Wrap(fault.Internal, err, "stored change is not readable")
			}
			out = append(out, c)
		}
		if len(evs) < store.MaxLimit {
			break
		}
		after = evs[len(evs)-1].ID
	}
	slices.Reverse(out)
	return out[:min(len(out), MaxChanges)], nil
}

// ScreenerFor returns the screener of a panel: the lists of its languages,
// the operator's extra words and the panel's own. It satisfies the
// Screeners ports of packages pledge and livesession.
func (s *Service) ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error) {
	langs, err := s.languages(ctx, panelID)
	if err != nil {
		return nil, err
	}
	l, err := s.List(ctx, panelID)
	if err != nil {
		return nil, err
	}
	if b, ok := s.screeners.Load(panelID); ok {
		if b := b.(built); b.version == l.Version && slices.Equal(b.langs, langs) {
			return b.screener, nil
		}
	}
	sc, err := screen.New(screen.Lists{Languages: langs, Extra: s.extra, Own: l.Words})
	if err != nil {
		return nil, err
	}
	s.screeners.Store(panelID, built{version: l.Version, langs: langs, screener: sc})
	return sc, nil
}

// key is how screening compares two words: case and surrounding spaces do
// not count.
func key(w string) string { return strings.ToLower(strings.Join(strings.Fields(w), " ")) }

func unique(words []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(words))
	for _, w := range words {
		if k := key(w); !seen[k] {
			seen[k] = true
			out = append(out, w)
		}
	}
	return out
}

// diff returns the words of next that were not in cur, and those of cur
// that are not in next.
func diff(cur, next []string) (added, removed []string) {
	keys := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, w := range list {
			m[key(w)] = true
		}
		return m
	}
	inCur, inNext := keys(cur), keys(next)
	added, removed = []string{}, []string{}
	for _, w := range next {
		if !inCur[key(w)] {
			added = append(added, w)
		}
	}
	for _, w := range cur {
		if !inNext[key(w)] {
			removed = append(removed, w)
		}
	}
	return added, removed
}
