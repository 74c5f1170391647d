package httpapi

import (
	"context"
	"encoding/json"
	"strings"

	"chorus/fault"
	"chorus/moderation"
	"chorus/ot"
	"chorus/pledge"
	"chorus/policy"
	"chorus/realtime"
)

// Edits over the websocket: the same decision as POST .../edits, taken
// once per subscription (the hub remembers it, see realtime.Config), and
// the same domain call for every edit.

// AuthorizeEdit decides whether accountID may edit the pledge of topic
// (realtime.Config.AuthorizeEdit): signed-in account, not suspended, the
// policy's pledge.edit, not muted in the group.
func (t *TopicPolicy) AuthorizeEdit(ctx context.Context, accountID, topic string) error {
	id, ok := strings.CutPrefix(topic, "pledge:")
	if !ok || t.api.people.Pledges == nil {
		return fault.Errorf(fault.Invalid, "Only pledges are edited live.")
	}
	cl, err := t.api.callerFor(ctx, accountID)
	if err != nil {
		if fault.Is(err, fault.NotFound) {
			return fault.Errorf(fault.Unauthorized, "Please sign in.")
		}
		return err
	}
	if err := t.api.withoutSuspended(ctx, &cl); err != nil {
		return err
	}
	_, err = t.api.pledgeAllowed(ctx, cl, id, policy.PledgeEdit)
	return err
}

// Edit applies an edit message (realtime.Config.Edit) and returns the
// version it made.
func (t *TopicPolicy) Edit(ctx context.Context, e realtime.Edit) (int64, error) {
	id, ok := strings.CutPrefix(e.Topic, "pledge:")
	if !ok || t.api.people.Pledges == nil {
		return 0, fault.Errorf(fault.Invalid, "Only pledges are edited live.")
	}
	f, err := pledge.ParseField(e.Field)
	if err != nil {
		return 0, err
	}
	var op ot.Op
	if err := json.Unmarshal(e.Op, &op); err != nil {
		return 0, fault.Errorf(fault.Invalid, "The change is not a valid list of steps (keep, insert, delete).")
	}
	res, err := t.api.people.Pledges.ApplyEdit(ctx, e.AccountID, id, e.ItemID, pledge.Edit{Field: f, Base: e.Base, Op: op, Client: e.Client, Seq: e.Seq})
	return res.Version, err
}

// Revokes names the account a moderator's suspension or mute is about
// (realtime.Config.Revokes): its sockets decide their next edit again.
func Revokes(eventType string, data json.RawMessage) string {
	if eventType != moderation.AuditSuspended && eventType != moderation.AuditMuted {
		return ""
	}
	var d struct {
		AccountID string `json:"accountId"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	return d.AccountID
}
