package main

import (
	"fmt"
	"time"

	"chorus/bench/realtime"
	"chorus/bench/table"
)

// The feedback-round row (issue 12): partners answer a whole pledge at
// once; a moderator's approval then reaches every youth following the round.

func (r *runRealtime) rounds(cfg realtime.RoundsConfig) ([]table.Row, []string, error) {
	srv, fix, err := r.server()
	if err != nil {
		return nil, nil, err
	}
	defer srv.Stop()
	res, err := realtime.RunRounds(r.ctx, srv, fix, cfg)
	if err != nil {
		return nil, nil, err
	}
	lat := func(l realtime.Latency) string {
		s := fmt.Sprintf("p50 %s, p95 %s", ms(l.P50), ms(l.P95))
		if l.Missing > 0 {
			s += fmt.Sprintf(", %d missing", l.Missing)
		}
		return s
	}
	const aim = 100 * time.Millisecond
	ratio := float64(res.Typing.P50) / float64(max(res.Approval.P50, 1))
	rows := []table.Row{{
		Workload: fmt.Sprintf("rounds: %d partners × %d items answered at once, then approval (HTTP POST) → every one of %d youth sockets has the answer",
			res.Partners, res.Items, res.Subscribers),
		Chorus:   lat(res.Approval),
		Baseline: "typing → the same sockets (on the round's pledge): " + lat(res.Typing),
		Ratio:    fmt.Sprintf("%.2f", ratio),
		Aim:      table.Verdict(fmt.Sprintf("p95 <= %d ms", aim.Milliseconds()), res.AnswerFailed == 0 && res.Approval.Missing == 0 && res.Approval.P95 <= aim),
	}}
	notes := []string{fmt.Sprintf("rounds: %d answers (a stance, an explanation, an action with a due date, an evidence link) POSTed by %d partners at once: %.0f answers/s accepted, POST round trip %s; "+
		"then %d approvals, one at a time, each followed by a typing probe from a youth socket in the round's pledge, which the same sockets follow (nobody types on a round's topic); approval POST p50 %s; per socket: approval %s, typing %s. Youth sockets share %d accounts.",
		res.Answers, res.Partners, res.AnswerRate, lat(res.AnswerRTT), res.Approval.N+res.Approval.Missing, ms(res.ApproveRTT), lat(res.Each), lat(res.TypingEach), len(fix.Youth))}
	if res.AnswerFailed > 0 {
		notes[0] += fmt.Sprintf(" %d answers refused, the first: %s.", res.AnswerFailed, res.FailWhy)
	}
	return rows, notes, nil
}
