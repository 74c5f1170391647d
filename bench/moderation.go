package main

import (
	"fmt"
	"strings"
	"time"

	"chorus/bench/realtime"
	"chorus/bench/screening"
	"chorus/bench/table"
)

// The moderation rows (issue 5): screening throughput, and how long a
// report takes to reach a moderator.

// screenAim is the screening aim: texts of 1 KB per second, per core.
const screenAim = 2000

func screeningRows(cfg screening.Config) ([]table.Row, []string, error) {
	results, err := screening.Run(cfg)
	if err != nil {
		return nil, nil, err
	}
	var rows []table.Row
	var corpus, split []string
	for _, r := range results {
		sound := r.Missed == 0 && r.Extra == 0
		row := func(what string, rates screening.Rates, cores int) table.Row {
			chorus := fmt.Sprintf("%.0f texts/s", rates.Chorus)
			if cores > 1 {
				chorus += fmt.Sprintf(" (%.0f per core)", rates.Chorus/float64(cores))
			}
			if !sound {
				chorus += fmt.Sprintf(" (%d planted hits missed, %d clean texts held)", r.Missed, r.Extra)
			}
			return table.Row{Workload: fmt.Sprintf("screening 1 KB comments, %s, %s", r.Lang, what), Chorus: chorus,
				Baseline: fmt.Sprintf("%.0f texts/s", rates.Regexp), Ratio: fmt.Sprintf("%.2f", rates.Chorus/rates.Regexp),
				Aim: table.Verdict(fmt.Sprintf(">= %d texts/s per core", screenAim), sound && rates.Chorus/float64(cores) >= screenAim)}
		}
		rows = append(rows, row("1 goroutine", r.Single, 1), row(fmt.Sprintf("%d goroutines (all cores)", r.Goroutines), r.Parallel, r.Goroutines))
		corpus = append(corpus, fmt.Sprintf("%s %d texts of %.0f bytes on average, %d with a planted hit, %d held", r.Lang, r.Texts, r.MeanBytes, r.Planted, r.Held))
		split = append(split, fmt.Sprintf("%s %.0f and %.0f texts/s (ratio %.2f and %.2f)", r.Lang, r.Single.Split, r.Parallel.Split,
			r.Single.Chorus/r.Single.Split, r.Parallel.Chorus/r.Parallel.Split))
	}
	notes := []string{
		"screening: Screen(text, lang) with the built-in lists, over generated pledge comments (" + strings.Join(corpus, "; ") +
			"). Baseline: one pass of Go's regexp with one combined e-mail + link pattern over the same texts. Best of 3 rounds per side, sides alternating.",
		"screening, the floor: strings.ToLower + strings.Fields with a map lookup per word does, on 1 goroutine and on all, " + strings.Join(split, "; ") + ".",
	}
	return rows, notes, nil
}

func (r *runRealtime) moderation(cfg realtime.ModerationConfig) ([]table.Row, []string, error) {
	srv, fix, err := r.server()
	if err != nil {
		return nil, nil, err
	}
	defer srv.Stop()
	res, err := realtime.RunModeration(r.ctx, srv, fix, cfg)
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
	row := func(what string, l, base realtime.Latency) table.Row {
		ratio := float64(base.P50) / float64(l.P50)
		return table.Row{Workload: fmt.Sprintf("moderation: report (HTTP POST) → %s, %d reports by %d youth at once", what, l.N+l.Missing, res.Reporters),
			Chorus: lat(l), Baseline: "typing → moderator's socket: " + lat(base), Ratio: fmt.Sprintf("%.2f", ratio),
			Aim: table.Verdict(fmt.Sprintf("p95 <= %d ms", aim.Milliseconds()), res.Failed == 0 && l.Missing == 0 && l.P95 <= aim)}
	}
	rows := []table.Row{
		row("moderator's socket (moderation:<panel>)", res.Socket, res.Typing),
		row("in the moderator's queue (GET on each event)", res.Queue, res.TypingQueued),
	}
	notes := []string{
		fmt.Sprintf("moderation queue: %d youth each alternate a report (on a comment of their own; every 4th safeguarding, which also mails the moderators) and a typing probe on the pledge, one every %s ± 20 %%: %.0f reports/s accepted, report POST round trip p50 %s. "+
			"First half: the moderator only listens (socket, bullying %s; safeguarding %s); the server used %.2f cores. "+
			"Second half: the moderator also fetches the queue (all waiting cases, up to 1,000) on each report's event, one request in flight: %d GETs, p50 %s, %d cases in the last; meanwhile report → socket %s, typing %s; the server used %.2f cores.",
			res.Reporters, cfg.Interval, res.Rate, ms(res.RTT), lat(res.Bullying), lat(res.Safeguarding), res.ServerCPU[0],
			res.QueueGets, ms(res.QueueRTT), res.QueueCases, lat(res.SocketQueued), lat(res.TypingQueued), res.ServerCPU[1]),
		"moderation queue, the page: the moderator's queue page waits 250 ms after the last event before it fetches (not counted here), so while events keep coming more often than that it does not fetch at all; its first page holds 100 cases (safeguarding first, then oldest first), so with more waiting a new report is on a later page.",
	}
	if res.Failed > 0 {
		notes[0] += fmt.Sprintf(" %d reports refused, the first: %s.", res.Failed, res.FailWhy)
	}
	return rows, notes, nil
}
