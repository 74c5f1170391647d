package pledge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/store"
)

// ItemInput is the content of a new item.
type ItemInput struct {
	Heading, Text, Summary string
}

func (s *Service) checkItem(in ItemInput) error {
	if strings.TrimSpace(in.Heading) == "" && strings.TrimSpace(in.Text) == "" {
		return fault.Errorf(fault.Invalid, "Please write a heading or a text for the item.")
	}
	for _, f := range []struct {
		f Field
		v string
	}{{Heading, in.Heading}, {Text, in.Text}, {Summary, in.Summary}} {
		if err := s.checkField(f.f, f.v); err != nil {
			return err
		}
	}
	return nil
}

func revisionID(itemID string, version int64) string { return fmt.Sprintf("%s:%010d", itemID, version) }

func (s *Service) revisionOf(it Item, kind string, f Field) Revision {
	return Revision{ID: revisionID(it.ID, it.Version), ItemID: it.ID, PledgeID: it.PledgeID, Version: it.Version, Kind: kind, Field: f,
		Heading: it.Heading, Text: it.Text, Summary: it.Summary, Removed: it.Removed, Author: it.UpdatedBy, At: it.UpdatedAt, AtMillis: it.UpdatedAt.UnixMilli()}
}

// AddItem appends a new item to a pledge (at most MaxItems).
func (s *Service) AddItem(ctx context.Context, actor, pledgeID string, in ItemInput) (Item, error) {
	if err := s.checkItem(in); err != nil {
		return Item{}, err
	}
	now := s.now()
	it := Item{ID: newID(), PledgeID: pledgeID, Heading: in.Heading, Text: in.Text, Summary: in.Summary, Version: 1, UpdatedBy: actor, UpdatedAt: now}
	p, err := s.updatePledge(ctx, pledgeID, func(p *Pledge) error {
		if err := editable(*p); err != nil {
			return err
		}
		if len(p.ItemIDs) >= MaxItems {
			return fault.Errorf(fault.Invalid, "A pledge can have at most %d items. Remove one before adding another.", MaxItems)
		}
		p.ItemIDs = append(p.ItemIDs, it.ID)
		return nil
	})
	if err != nil {
		return Item{}, err
	}
	if err := s.rescreen(ctx, p, &it, Item{}); err != nil {
		return Item{}, err
	}
	// The order names the item before it exists; readers skip an id they
	// cannot find, so a crash here leaves no broken pledge.
	if err := store.InsertAs(ctx, s.Docs, colRevisions, revisionID(it.ID, 1), withHits(s.revisionOf(it, "created", ""), it), time.Time{}); err != nil {
		return Item{}, err
	}
	if err := store.InsertAs(ctx, s.Docs, colItems, it.ID, it, time.Time{}); err != nil {
		return Item{}, err
	}
	return it, s.event(ctx, actor, "pledge.item_added", pledgeID, map[string]any{"item": it, "position": -1})
}

// Item returns one item of a pledge (removed ones too).
func (s *Service) Item(ctx context.Context, pledgeID, itemID string) (Item, error) {
	d, err := s.itemDoc(ctx, itemID)
	if err != nil {
		return Item{}, err
	}
	if d.Value.PledgeID != pledgeID {
		return Item{}, noItem()
	}
	return d.Value, nil
}

func noItem() error {
	return fault.Errorf(fault.NotFound, "This item does not exist (maybe someone removed it).")
}

func (s *Service) itemDoc(ctx context.Context, itemID string) (store.Doc[Item], error) {
	d, err := s.rollForward(ctx, itemID)
	if fault.Is(err, fault.NotFound) {
		return d, noItem()
	}
	return d, err
}

// Items returns the items of a pledge in order (without removed ones).
func (s *Service) Items(ctx context.Context, p Pledge) ([]Item, error) {
	docs, err := store.FindAs[Item](ctx, s.Docs, colItems, store.Query{Where: []store.Cond{{Field: "pledgeId", Op: store.Eq, Value: p.ID}}, Limit: store.MaxLimit}, 100000)
	if err != nil {
		return nil, err
	}
	byID := map[string]Item{}
	for _, d := range docs {
		byID[d.Value.ID] = d.Value
	}
	out := make([]Item, 0, len(p.ItemIDs))
	for _, id := range p.ItemIDs {
		if it, ok := byID[id]; ok && !it.Removed {
			out = append(out, it)
		}
	}
	return out, nil
}

// revision returns the item as it was at version.
func (s *Service) revision(ctx context.Context, itemID string, version int64) (Revision, error) {
	d, err := store.GetAs[Revision](ctx, s.Docs, colRevisions, revisionID(itemID, version))
	if fault.Is(err, fault.NotFound) {
		return Revision{}, fault.Errorf(fault.NotFound, "Version %d of this item does not exist.", version)
	}
	return d.Value, err
}

// rollForward makes the item document catch up with revisions that were
// written but not yet applied to it (a process that stopped between the two
// writes, or a batch of edits that updates the item once) and returns the
// item as stored. Revisions are the source of truth; the item is their
// latest. It returns fault.NotFound (from the store) for a missing item.
func (s *Service) rollForward(ctx context.Context, itemID string) (store.Doc[Item], error) {
	conflicts := 0
	for {
		d, err := store.GetAs[Item](ctx, s.Docs, colItems, itemID)
		if err != nil {
			return d, err
		}
		next, err := store.GetAs[Revision](ctx, s.Docs, colRevisions, revisionID(itemID, d.Value.Version+1))
		if fault.Is(err, fault.NotFound) {
			return d, nil
		}
		if err != nil {
			return d, err
		}
		it := itemAt(d.Value, next.Value)
		if _, err := store.UpdateAs(ctx, s.Docs, colItems, itemID, d.Version, it, time.Time{}); err != nil {
			if !fault.Is(err, fault.Conflict) {
				return d, err
			}
			// Every successful step moves the item one revision on; only
			// lost races count against the limit.
			if conflicts++; conflicts >= maxAttempts {
				return d, busy()
			}
		}
	}
}

func itemAt(it Item, r Revision) Item {
	it.Heading, it.Text, it.Summary, it.Removed = r.Heading, r.Text, r.Summary, r.Removed
	it.Version, it.UpdatedBy, it.UpdatedAt = r.Version, r.Author, r.At
	if r.Hits != nil {
		it.Hits = *r.Hits
	}
	return it
}

// change makes the next revision of an item: next computes the new item
// from the current one. The revision is written first (its id, item and
// version, is unique, so of two writers only one gets a version), then the
// item; on a conflict everything is read again and next runs again.
func (s *Service) change(ctx context.Context, actor, pledgeID, itemID, kind string, f Field, next func(p Pledge, cur Item) (Item, error)) (Item, error) {
	defer s.lock(itemID)()
	for range maxAttempts {
		p, err := s.Pledge(ctx, pledgeID)
		if err != nil {
			return Item{}, err
		}
		d, err := s.itemDoc(ctx, itemID)
		if err != nil {
			return Item{}, err
		}
		if d.Value.PledgeID != pledgeID {
			return Item{}, noItem()
		}
		it, err := next(p, d.Value)
		if err != nil {
			return Item{}, err
		}
		if err := s.rescreen(ctx, p, &it, d.Value); err != nil {
			return Item{}, err
		}
		it.Version = d.Value.Version + 1
		it.UpdatedBy, it.UpdatedAt = actor, s.now()
		err = store.InsertAs(ctx, s.Docs, colRevisions, revisionID(itemID, it.Version), withHits(s.revisionOf(it, kind, f), it), time.Time{})
		if fault.Is(err, fault.Conflict) {
			continue // someone else took this version: merge again
		}
		if err != nil {
			return Item{}, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colItems, itemID, d.Version, it, time.Time{}); err != nil && !fault.Is(err, fault.Conflict) {
			return Item{}, err
		} // a conflict here means another writer rolled our revision forward
		return it, nil
	}
	return Item{}, busy()
}

// EditItem merges a client's change of one field into the item: the client
// edited the text of version baseVersion into newText; the server applies
// that change to the current text (see Merge), so concurrent edits all
// survive, and stores the result as the next version with actor as author.
// The item it returns carries its screening hits (see hitsAlike).
func (s *Service) EditItem(ctx context.Context, actor, pledgeID, itemID string, f Field, baseVersion int64, newText string) (Item, error) {
	if err := s.checkField(f, newText); err != nil {
		return Item{}, err
	}
	if baseVersion < 1 {
		return Item{}, fault.Errorf(fault.Invalid, "Say which version of the item you changed (baseVersion, 1 or more).")
	}
	return s.queueEdit(pledgeID, itemID, &editReq{ctx: ctx, actor: actor, f: f, baseVersion: baseVersion, text: newText})
}

// mergeEdit computes the item after edit r on top of cur (the item as it is
// now, in pledge p). written holds the versions stored earlier in the same
// batch, so that their base texts need not be read back.
func (s *Service) mergeEdit(ctx context.Context, p Pledge, cur Item, r *editReq, written map[int64]Item, h *itemHist) (Item, error) {
	if err := editable(p); err != nil {
		return Item{}, err
	}
	if cur.Removed {
		return Item{}, noItem()
	}
	if r.baseVersion > cur.Version {
		return Item{}, fault.Errorf(fault.Invalid, "Version %d of this item does not exist yet: the newest is %d. Please reload the item.", r.baseVersion, cur.Version)
	}
	merged, ok := "", false
	if h != nil && r.baseVersion < cur.Version {
		merged, ok = h.merge(r.f, r.baseVersion, cur.Version, r.text)
	}
	if !ok {
		base := cur
		if r.baseVersion < cur.Version {
			if w, found := written[r.baseVersion]; found {
				base = w
			} else {
				rev, err := s.revision(ctx, cur.ID, r.baseVersion)
				if err != nil {
					return Item{}, err
				}
				base = itemAt(cur, rev)
			}
		}
		merged = Merge(base.field(r.f), cur.field(r.f), r.text)
	}
	if err := s.checkField(r.f, merged); err != nil {
		return Item{}, err
	}
	cur.set(r.f, merged)
	return cur, nil
}

// MoveItem moves an item to position to (0 is first; past the end is last).
func (s *Service) MoveItem(ctx context.Context, actor, pledgeID, itemID string, to int) (Pledge, error) {
	if to < 0 {
		return Pledge{}, fault.Errorf(fault.Invalid, "The new position must be 0 or more.")
	}
	p, err := s.updatePledge(ctx, pledgeID, func(p *Pledge) error {
		if err := editable(*p); err != nil {
			return err
		}
		i := slices.Index(p.ItemIDs, itemID)
		if i < 0 {
			return noItem()
		}
		p.ItemIDs = slices.Delete(p.ItemIDs, i, i+1)
		p.ItemIDs = slices.Insert(p.ItemIDs, min(to, len(p.ItemIDs)), itemID)
		return nil
	})
	if err != nil {
		return Pledge{}, err
	}
	return p, s.event(ctx, actor, "pledge.item_moved", pledgeID, map[string]any{"itemId": itemID, "position": to, "order": p.ItemIDs})
}

// RemoveItem takes an item out of the pledge. The removal is a revision like
// any other, so RestoreItem brings the item back.
func (s *Service) RemoveItem(ctx context.Context, actor, pledgeID, itemID string) (Item, error) {
	var position int
	it, err := s.change(ctx, actor, pledgeID, itemID, "removed", "", func(p Pledge, cur Item) (Item, error) {
		if err := editable(p); err != nil {
			return Item{}, err
		}
		if cur.Removed {
			return Item{}, noItem()
		}
		cur.Removed = true
		return cur, nil
	})
	if err != nil {
		return Item{}, err
	}
	if _, err := s.updatePledge(ctx, pledgeID, func(p *Pledge) error {
		position = slices.Index(p.ItemIDs, itemID)
		p.ItemIDs = slices.DeleteFunc(p.ItemIDs, func(id string) bool { return id == itemID })
		return nil
	}); err != nil {
		return Item{}, err
	}
	return it, s.event(ctx, actor, "pledge.item_removed", pledgeID, map[string]any{"itemId": itemID, "version": it.Version, "position": position, "author": actor})
}

// RestoreItem makes a new version of an item with the content it had at
// version; a removed item comes back at the end of the pledge.
func (s *Service) RestoreItem(ctx context.Context, actor, pledgeID, itemID string, version int64) (Item, error) {
	wasRemoved := false
	it, err := s.change(ctx, actor, pledgeID, itemID, "restored", "", func(p Pledge, cur Item) (Item, error) {
		if err := editable(p); err != nil {
			return Item{}, err
		}
		if version < 1 || version > cur.Version {
			return Item{}, fault.Errorf(fault.NotFound, "Version %d of this item does not exist.", version)
		}
		r, err := s.revision(ctx, itemID, version)
		if err != nil {
			return Item{}, err
		}
		if r.Removed {
			return Item{}, fault.Errorf(fault.Invalid, "At version %d this item was removed. Pick a version from before that.", version)
		}
		wasRemoved = cur.Removed
		cur.Heading, cur.Text, cur.Summary, cur.Removed = r.Heading, r.Text, r.Summary, false
		return cur, nil
	})
	if err != nil {
		return Item{}, err
	}
	if wasRemoved {
		if _, err := s.updatePledge(ctx, pledgeID, func(p *Pledge) error {
			if len(p.ItemIDs) >= MaxItems {
				return fault.Errorf(fault.Invalid, "A pledge can have at most %d items. Remove one before adding another.", MaxItems)
			}
			if !slices.Contains(p.ItemIDs, itemID) {
				p.ItemIDs = append(p.ItemIDs, itemID)
			}
			return nil
		}); err != nil {
			return Item{}, err
		}
	}
	return it, s.event(ctx, actor, "pledge.item_restored", pledgeID, map[string]any{"item": it, "fromVersion": version, "author": actor})
}

// History lists the revisions of an item, oldest first.
func (s *Service) History(ctx context.Context, pledgeID, itemID string) ([]Revision, error) {
	if _, err := s.Item(ctx, pledgeID, itemID); err != nil {
		return nil, err
	}
	docs, err := store.FindAs[Revision](ctx, s.Docs, colRevisions, store.Query{Where: []store.Cond{{Field: "itemId", Op: store.Eq, Value: itemID}},
		OrderBy: "version", Limit: store.MaxLimit}, maxHistory)
	if err != nil {
		return nil, err
	}
	out := make([]Revision, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Value)
	}
	return out, nil
}

// PledgeHistory lists what happened to a pledge (every change of its items,
// order, title and state) after the event id after, oldest first.
func (s *Service) PledgeHistory(ctx context.Context, pledgeID string, after int64, limit int) ([]store.Event, error) {
	if _, err := s.Pledge(ctx, pledgeID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > store.MaxLimit {
		limit = store.DefaultLimit
	}
	return s.Docs.Events(ctx, store.EventQuery{After: after, Subject: Topic(pledgeID), Limit: limit})
}

// ItemDiff is the difference of one field of an item between two versions.
type ItemDiff struct {
	ItemID string   `json:"itemId"`
	Field  Field    `json:"field"`
	From   int64    `json:"from"`
	To     int64    `json:"to"`
	Ops    []DiffOp `json:"ops"`
}

// Diff returns how field f of an item changed from one version to another.
func (s *Service) Diff(ctx context.Context, pledgeID, itemID string, f Field, from, to int64) (ItemDiff, error) {
	if f == "" {
		f = Text
	}
	if f != Heading && f != Text && f != Summary {
		return ItemDiff{}, fault.Errorf(fault.Invalid, "You can only change the heading, the text or the summary of an item.")
	}
	if _, err := s.Item(ctx, pledgeID, itemID); err != nil {
		return ItemDiff{}, err
	}
	a, err := s.revision(ctx, itemID, from)
	if err != nil {
		return ItemDiff{}, err
	}
	b, err := s.revision(ctx, itemID, to)
	if err != nil {
		return ItemDiff{}, err
	}
	ra, rb := itemAt(Item{}, a), itemAt(Item{}, b)
	return ItemDiff{ItemID: itemID, Field: f, From: from, To: to, Ops: Diff(ra.field(f), rb.field(f))}, nil
}
