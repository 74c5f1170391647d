package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"chorus/app"
	"chorus/moderation/livesession"
	"chorus/realtime"
)

// superviseLiveSessions is the hub's presence hook: whenever who is
// connected to a session's topic changes, the session counts its
// moderators again and pauses or resumes (safeguarding rule 3). The hook
// must not block the hub, so each change is handled on its own goroutine;
// Refresh counts afresh each time, so the last one to run leaves the state
// that matches who is there.
func superviseLiveSessions(people *app.Services, log *slog.Logger) func(string, []realtime.PresenceMember) {
	return func(topic string, _ []realtime.PresenceMember) {
		id, ok := strings.CutPrefix(topic, livesession.TopicPrefix)
		if !ok || people.LiveSessions == nil {
			return
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, _, err := people.LiveSessions.Refresh(ctx, id); err != nil {
				log.Warn("live session: presence not reconciled", "session", id, "error", err)
			}
		}()
	}
}

// presentIn is who the hub knows is connected to a topic.
func presentIn(hub *realtime.Hub) livesession.Presence {
	return func(topic string) []string {
		members := hub.Presence(topic)
		out := make([]string, 0, len(members))
		for _, m := range members {
			out = append(out, m.AccountID)
		}
		return out
	}
}
