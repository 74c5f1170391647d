package main

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
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

// hubPresence is who is connected to a topic, as this process's hub knows
// it. Live sessions are built with it before the hub exists (the hub
// authorises with the services they are part of); until the hub starts,
// and in a process without one, nobody is connected, so every session
// stays paused.
type hubPresence struct{ hub atomic.Pointer[realtime.Hub] }

// present is the livesession.Presence of the hub.
func (p *hubPresence) present(topic string) []string {
	hub := p.hub.Load()
	if hub == nil {
		return nil
	}
	members := hub.Presence(topic)
	out := make([]string, 0, len(members))
	for _, m := range members {
		out = append(out, m.AccountID)
	}
	return out
}
