package pledge

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/ot"
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
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Item, error) { return s.addItem(ctx, actor, pledgeID, in) })
}

// addItem is AddItem, inside its transaction.
func (s *Service) addItem(ctx context.Context, actor, pledgeID string, in ItemInput) (Item, error) {
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
// item; on a conflict everything is read again and next runs again. It
// returns the item and the operation of each field that changed, as stored.
func (s *Service) change(ctx context.Context, actor, pledgeID, itemID, kind string, f Field, next func(p Pledge, cur Item) (Item, error)) (Item, map[Field]ot.Op, error) {
	defer s.lock(ctx, itemID)()
	for range maxAttempts {
		p, err := s.Pledge(ctx, pledgeID)
		if err != nil {
			return Item{}, nil, err
		}
		d, err := s.itemDoc(ctx, itemID)
		if err != nil {
			return Item{}, nil, err
		}
		if d.Value.PledgeID != pledgeID {
			return Item{}, nil, noItem()
		}
		it, err := next(p, d.Value)
		if err != nil {
			return Item{}, nil, err
		}
		if err := s.rescreen(ctx, p, &it, d.Value); err != nil {
			return Item{}, nil, err
		}
		it.Version = d.Value.Version + 1
		it.UpdatedBy, it.UpdatedAt = actor, s.now()
		rev := withHits(s.revisionOf(it, kind, f), it)
		rev.Ops = opsBetween(d.Value, it)
		err = store.InsertAs(ctx, s.Docs, colRevisions, revisionID(itemID, it.Version), rev, time.Time{})
		if fault.Is(err, fault.Conflict) {
			continue // someone else took this version: change again
		}
		if err != nil {
			return Item{}, nil, err
		}
		if _, err := store.UpdateAs(ctx, s.Docs, colItems, itemID, d.Version, it, time.Time{}); err != nil && !fault.Is(err, fault.Conflict) {
			return Item{}, nil, err
		} // a conflict here means another writer rolled our revision forward
		return it, rev.Ops, nil
	}
	return Item{}, nil, busy()
}

// Edit is one change of one field of an item, made on version Base.
type Edit struct {
	Field Field
	Base  int64
	Op    ot.Op
	// Client and Seq name the edit for its sender (an id per editor and a
	// counter): an edit sent again, after its answer was lost, is applied
	// once (the second time answers what the first did).
	Client string
	Seq    int64
}

// Applied is what became of an edit.
type Applied struct {
	Item    Item  // the item after it, with its screening hits (see hitsAlike)
	Version int64 // the version it made
	Op      ot.Op // the edit transformed to apply to version Version-1
}

// MaxClient bounds Edit.Client.
const MaxClient = 64

// ApplyEdit applies a client's operation on one field: the server
// transforms it against the operations accepted since e.Base (so concurrent
// edits all survive, in the same way on every client), applies it and
// stores it as the next version with actor as author.
func (s *Service) ApplyEdit(ctx context.Context, actor, pledgeID, itemID string, e Edit) (Applied, error) {
	if err := s.checkEdit(e); err != nil {
		return Applied{}, err
	}
	if err := ot.Check(e.Op); err != nil {
		return Applied{}, fault.Errorf(fault.Invalid, "The change is not a valid list of steps (keep, insert, delete).")
	}
	return s.queueEdit(pledgeID, itemID, &editReq{ctx: ctx, actor: actor, e: e})
}

// opsBetween is the operation of each field that differs from before to
// after (whole-text changes: a restore, a removal).
func opsBetween(before, after Item) map[Field]ot.Op {
	ops := map[Field]ot.Op{}
	for _, f := range fields {
		if before.field(f) != after.field(f) {
			ops[f] = opFromTexts(before.field(f), after.field(f))
		}
	}
	return ops
}

// EditItem applies a change that comes as the whole new text of one field,
// edited from version baseVersion: the difference from that version's text
// becomes the operation (see ApplyEdit). For clients that do not send
// operations; the item it returns carries its screening hits.
func (s *Service) EditItem(ctx context.Context, actor, pledgeID, itemID string, f Field, baseVersion int64, newText string) (Item, error) {
	e := Edit{Field: f, Base: baseVersion}
	if err := s.checkEdit(e); err != nil {
		return Item{}, err
	}
	if err := s.checkField(f, newText); err != nil {
		return Item{}, err
	}
	res, err := s.queueEdit(pledgeID, itemID, &editReq{ctx: ctx, actor: actor, e: e, text: &newText})
	return res.Item, err
}

func (s *Service) checkEdit(e Edit) error {
	if err := s.checkField(e.Field, ""); err != nil {
		return err
	}
	if e.Base < 1 {
		return fault.Errorf(fault.Invalid, "Say which version of the item you changed (baseVersion, 1 or more).")
	}
	if len(e.Client) > MaxClient || e.Seq < 0 {
		return fault.Errorf(fault.Invalid, "The edit's client id is too long (at most %d characters) or its number is below 0.", MaxClient)
	}
	return nil
}

// transformEdit computes the item after edit r on top of cur (the item as
// it is now, in pledge p). r.dup is set when r was applied before.
func (s *Service) transformEdit(ctx context.Context, p Pledge, cur Item, r *editReq, h *itemHist) (Item, Applied, error) {
	if err := editable(p); err != nil {
		return Item{}, Applied{}, err
	}
	if cur.Removed {
		return Item{}, Applied{}, noItem()
	}
	if r.e.Base > cur.Version {
		return Item{}, Applied{}, fault.Errorf(fault.Invalid, "Version %d of this item does not exist yet: the newest is %d. Please reload the item.", r.e.Base, cur.Version)
	}
	steps, err := s.steps(ctx, h, cur.ID, r.e.Base, cur.Version)
	if err != nil {
		return Item{}, Applied{}, err
	}
	fi := fieldIndex(r.e.Field)
	if r.e.Client != "" {
		for i, st := range steps {
			if st.client == r.e.Client && st.seq == r.e.Seq {
				r.dup = true
				return cur, Applied{Item: cur, Version: r.e.Base + 1 + int64(i), Op: st.ops[fi]}, nil
			}
		}
	}
	op := r.e.Op
	if r.text != nil {
		base := cur.field(r.e.Field)
		if r.e.Base < cur.Version {
			rev, err := s.revision(ctx, cur.ID, r.e.Base)
			if err != nil {
				return Item{}, Applied{}, err
			}
			base = itemAt(cur, rev).field(r.e.Field)
		}
		op = opFromTexts(base, *r.text)
	}
	for _, st := range steps {
		if o := st.ops[fi]; len(o) > 0 {
			op = ot.Transform(op, o, ot.Left)
		}
	}
	before := cur.field(r.e.Field)
	op = ot.MakeInvertible(op, before)
	after, err := ot.Apply(before, op)
	if err != nil {
		return Item{}, Applied{}, fault.Errorf(fault.Invalid, "The change does not fit version %d of the text. Please reload the item.", r.e.Base)
	}
	if err := s.checkField(r.e.Field, after); err != nil {
		return Item{}, Applied{}, err
	}
	cur.set(r.e.Field, after)
	return cur, Applied{Op: op}, nil
}

// MoveItem moves an item to position to (0 is first; past the end is last).
func (s *Service) MoveItem(ctx context.Context, actor, pledgeID, itemID string, to int) (Pledge, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Pledge, error) { return s.moveItem(ctx, actor, pledgeID, itemID, to) })
}

// moveItem is MoveItem, inside its transaction.
func (s *Service) moveItem(ctx context.Context, actor, pledgeID, itemID string, to int) (Pledge, error) {
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
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Item, error) { return s.removeItem(ctx, actor, pledgeID, itemID) })
}

// removeItem is RemoveItem, inside its transaction.
func (s *Service) removeItem(ctx context.Context, actor, pledgeID, itemID string) (Item, error) {
	var position int
	it, ops, err := s.change(ctx, actor, pledgeID, itemID, "removed", "", func(p Pledge, cur Item) (Item, error) {
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
	return it, s.event(ctx, actor, "pledge.item_removed", pledgeID, map[string]any{"itemId": itemID, "version": it.Version, "position": position, "author": actor,
		"fields": fieldChanges(it, ops, actor)})
}

// RestoreItem makes a new version of an item with the content it had at
// version; a removed item comes back at the end of the pledge.
func (s *Service) RestoreItem(ctx context.Context, actor, pledgeID, itemID string, version int64) (Item, error) {
	return store.Atomically(ctx, s.Docs, func(ctx context.Context) (Item, error) { return s.restoreItem(ctx, actor, pledgeID, itemID, version) })
}

// restoreItem is RestoreItem, inside its transaction.
func (s *Service) restoreItem(ctx context.Context, actor, pledgeID, itemID string, version int64) (Item, error) {
	wasRemoved := false
	it, ops, err := s.change(ctx, actor, pledgeID, itemID, "restored", "", func(p Pledge, cur Item) (Item, error) {
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
	return it, s.event(ctx, actor, "pledge.item_restored", pledgeID, map[string]any{"item": it, "fromVersion": version, "author": actor,
		"version": it.Version, "fields": fieldChanges(it, ops, actor)})
}

// fieldChanges is what a change of the whole item (a restore, a removal)
// did to each field it changed, in the shape of a pledge.item_edited event
// of one edit: the operation the server stored, which it transforms later
// edits against. A client applies it like anyone's edit, transforming its
// unsent typing, comment anchors and caret by it; were it to work the
// change out from the new texts, its transform would differ from the
// server's and the texts would drift apart. A field that is not listed did
// not change (its version is the item's all the same).
func fieldChanges(it Item, ops map[Field]ot.Op, author string) []map[string]any {
	out := []map[string]any{}
	for _, f := range fields {
		op, ok := ops[f]
		if !ok || len(op) == 0 {
			continue
		}
		hits := it.Hits[f]
		if hits == nil {
			hits = []screen.Hit{} // the field is clean now: a warning shown goes
		}
		out = append(out, map[string]any{"itemId": it.ID, "field": f, "version": it.Version, "baseVersion": it.Version - 1,
			"ops": []EditedOp{{Version: it.Version, Op: ot.StripInvertible(op)}}, "author": author, "authors": []string{author}, "edits": 1, "hits": hits})
	}
	return out
}

// History lists the revisions of an item after version since (0: all of
// them), oldest first. A client that has the item at some version asks for
// what it misses only, not the whole history.
func (s *Service) History(ctx context.Context, pledgeID, itemID string, since int64) ([]Revision, error) {
	if since < 0 {
		return nil, fault.Errorf(fault.Invalid, "The %s must be a whole number, 0 or more.", "since")
	}
	if _, err := s.Item(ctx, pledgeID, itemID); err != nil {
		return nil, err
	}
	docs, err := store.FindAs[Revision](ctx, s.Docs, colRevisions, store.Query{Where: []store.Cond{{Field: "itemId", Op: store.Eq, Value: itemID}, {Field: "version", Op: store.Gt, Value: since}},
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
