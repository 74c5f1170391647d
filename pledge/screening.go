package pledge

import (
	"context"
	"strconv"
	"strings"

	"chorus/fault"
	"chorus/moderation/screen"
)

// Screening (safeguarding rule 5). Comments and amendments are held from
// the group when screening finds something in them (discuss.go). Items are
// written together, live, so they are not held; an item keeps its current
// hits instead, and a pledge with hits in its items goes neither to review
// nor to partners (CheckScreened). Screening costs about 0.1-0.2 ms per KB,
// so an item is screened when a field changed, and a batch of edits once,
// after its last edit (storeEdits), not once per edit.

var fields = [...]Field{Heading, Text, Summary}

// Screeners gives the screener of a panel: the word lists of every
// language it works in and its coordinators' own words. Package
// moderation/wordlist implements it.
type Screeners interface {
	ScreenerFor(ctx context.Context, panelID string) (*screen.Screener, error)
}

// screen screens text written in p's language, with p's panel's screener.
func (s *Service) screen(ctx context.Context, p Pledge, text string) (screen.Result, error) {
	return s.screenIn(ctx, p.PanelID, text, p.Language)
}

func (s *Service) screenIn(ctx context.Context, panelID, text, lang string) (screen.Result, error) {
	if s.screeners == nil {
		return screen.Screen(text, lang)
	}
	sc, err := s.screeners.ScreenerFor(ctx, panelID)
	if err != nil {
		return screen.Result{}, err
	}
	return sc.Screen(text, lang)
}

// rescreen sets it.Hits: the fields that differ from before are screened,
// the others keep before's hits. It makes a new map (before's is shared).
// The whole text of a field is screened, not the edit: a phone number
// typed over several edits is found once its last part is in.
func (s *Service) rescreen(ctx context.Context, p Pledge, it *Item, before Item) error {
	var out Hits
	for _, f := range fields {
		hs := before.Hits[f]
		if it.field(f) != before.field(f) {
			res, err := s.screen(ctx, p, it.field(f))
			if err != nil {
				return err
			}
			hs = res.Hits
		}
		if len(hs) > 0 {
			if out == nil {
				out = Hits{}
			}
			out[f] = hs
		}
	}
	it.Hits = out
	return nil
}

// hitsAlike gives it the hits of the fields whose text is the same in
// screened (same offsets); a field that differs gets none. An edit that a
// later edit of its batch overtook gets the hits of what is still true of
// it, and the pledge.item_edited event that follows carries the rest.
func hitsAlike(it Item, screened Item) Hits {
	var out Hits
	for _, f := range fields {
		if hs := screened.Hits[f]; len(hs) > 0 && it.field(f) == screened.field(f) {
			if out == nil {
				out = Hits{}
			}
			out[f] = hs
		}
	}
	return out
}

// withHits is r carrying the hits of it (see Revision.Hits).
func withHits(r Revision, it Item) Revision {
	h := it.Hits
	if h == nil {
		h = Hits{}
	}
	r.Hits = &h
	return r
}

// CheckScreened returns fault.Conflict, naming the title or the items by
// number, when screening (with the screener of panel panelID) finds
// personal data or listed words in v: such a pledge may not go to review
// nor be published to partners. It screens the texts themselves rather
// than trusting stored hits, so that items written before screening, or
// under other word lists, are checked too. An item's heading, text and
// summary are screened together, so that a phone number split across them
// is found as well as one in a single field.
func (s *Service) CheckScreened(ctx context.Context, panelID string, v Version) error {
	title, err := s.screenIn(ctx, panelID, v.Title, v.Language)
	if err != nil {
		return err
	}
	if title.Held() {
		return fault.Errorf(fault.Conflict, "The title has something in it that cannot go to partners, like an e-mail address or a phone number. Please take it out first.")
	}
	var found []string
	for i, it := range v.Items {
		res, err := s.screenIn(ctx, panelID, strings.Join([]string{it.Heading, it.Text, it.Summary}, " "), v.Language)
		if err != nil {
			return err
		}
		if res.Held() {
			found = append(found, strconv.Itoa(i+1))
		}
	}
	switch len(found) {
	case 0:
		return nil
	case 1:
		return fault.Errorf(fault.Conflict, "Item %s has something in it that cannot go to partners, like an e-mail address or a phone number. Please take it out first: the item shows you what it is.", found[0])
	}
	return fault.Errorf(fault.Conflict, "Items %s have something in them that cannot go to partners, like an e-mail address or a phone number. Please take it out first: the items show you what it is.", strings.Join(found, ", "))
}

// checkReview is CheckScreened for the version of p in review.
func (s *Service) checkReview(ctx context.Context, p Pledge) error {
	v, err := s.Version(ctx, p.ID, p.Review)
	if err != nil {
		return err
	}
	return s.CheckScreened(ctx, p.PanelID, v)
}
