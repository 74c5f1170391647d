package moderation

import (
	"context"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Audit actions that other capabilities record in the event log and the
// trail shows beside moderation's own (consent changes, invitations and a
// panel's safeguarding settings): FollowEvents copies them in.
const (
	AuditConsentGrant       = "consent.granted"
	AuditConsentWithdrawal  = "consent.withdrawn"
	AuditInvitationSent     = "invitation.sent"
	AuditInvitationRenewed  = "invitation.renewed"
	AuditInvitationRevoked  = "invitation.revoked"
	AuditInvitationAccepted = "invitation.accepted"
	// AuditPanelSettingChanged is one safeguarding setting of a panel
	// changed; Category names the setting.
	AuditPanelSettingChanged = "panel.setting_changed"
)

// Guardian is the actor of what a guardian did through their link (they
// have no account).
const Guardian = "guardian"

// Placement says which audit entries an event of another capability makes:
// one per panel it concerns, or none (most events are not for the trail).
// It fills PanelID, Action, Actor, Person, Category and Reason; the time
// and ids come from the event.
type Placement func(ctx context.Context, ev store.Event) ([]AuditEntry, error)

const (
	auditCursorCollection = "moderation_audit_cursor"
	auditCursorID         = "events"
	// auditSettle: events younger than this are copied but the cursor does
	// not pass them yet, so an event that a concurrent writer commits late
	// with a smaller id is still read on the next call.
	auditSettle   = 10 * time.Second
	auditEventsAt = 500 // events read per query
)

type auditCursor struct {
	After int64 `json:"after"`
}

// FollowEvents copies into the audit trail what place makes of the events
// appended since it last ran, reading at most max events; it returns how
// many it read (fewer than max: the trail has caught up). Several
// processes may run it at once: an entry is stored once, under its event's
// id, and the cursor moves by compare-and-set.
func (s *Service) FollowEvents(ctx context.Context, place Placement, max int) (int, error) {
	cur := store.Doc[auditCursor]{}
	d, err := store.GetAs[auditCursor](ctx, s.Docs, auditCursorCollection, auditCursorID)
	switch {
	case err == nil:
		cur = d
	case !fault.Is(err, fault.NotFound):
		return 0, err
	}
	settled, after, read := cur.Value.After, cur.Value.After, 0
	cutoff, settling := s.now().Add(-auditSettle), true
	for read < max {
		evs, err := s.Docs.Events(ctx, store.EventQuery{After: after, Limit: min(auditEventsAt, max-read)})
		if err != nil {
			return read, err
		}
		for _, ev := range evs {
			if err := s.copyEvent(ctx, place, ev); err != nil {
				return read, err
			}
			after = ev.ID
			if settling = settling && ev.Time.Before(cutoff); settling {
				settled = ev.ID
			}
		}
		read += len(evs)
		if len(evs) == 0 {
			break
		}
	}
	if settled == cur.Value.After {
		return read, nil
	}
	rec, err := store.RecordOf(auditCursorID, auditCursor{After: settled}, time.Time{})
	if err != nil {
		return read, err
	}
	if cur.Version == 0 {
		_, err = s.Docs.Insert(ctx, auditCursorCollection, rec)
	} else {
		rec.Version = cur.Version
		_, err = s.Docs.Update(ctx, auditCursorCollection, rec)
	}
	if fault.Is(err, fault.Conflict) { // another process moved it meanwhile
		err = nil
	}
	return read, err
}

func (s *Service) copyEvent(ctx context.Context, place Placement, ev store.Event) error {
	entries, err := place(ctx, ev)
	if err != nil || len(entries) == 0 {
		return err
	}
	var recs []store.Record
	for i, e := range entries {
		e.At, e.EventID, e.ID = ev.Time.UnixMilli(), ev.ID, fmt.Sprintf("e%019d", ev.ID)
		if i > 0 { // the same event in another panel
			e.ID += fmt.Sprintf(".%d", i)
		}
		rs, err := auditRecords(e)
		if err != nil {
			return err
		}
		recs = append(recs, rs...)
	}
	err = s.Docs.InsertMany(ctx, AuditCollection, recs)
	if fault.Is(err, fault.Conflict) { // copied already (an earlier call, another process)
		return nil
	}
	return err
}
