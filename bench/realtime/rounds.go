package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/fasthttp/websocket"
)

// RoundsConfig sizes the feedback-round run (issue 12): Partners
// organisations answer every one of Items items at once; then a moderator
// approves the answers one after another while Subscribers youth sockets
// follow the round.
type RoundsConfig struct {
	Partners    int // organisations, one partner each
	Items       int // pledge items, each answered by every partner
	Subscribers int // youth sockets on the round's topic
	Approvals   int // answers approved and timed (at most Partners × Items)
}

// RoundsResult is what one run measured.
type RoundsResult struct {
	Partners, Items, Subscribers int
	Answers                      int           // answers submitted
	AnswerRTT                    Latency       // one answer POST's round trip, all partners at once
	AnswerRate                   float64       // answers accepted per second
	AnswerFailed                 int           // answers the API refused
	FailWhy                      string        // the first refusal
	ApproveRTT                   time.Duration // p50 of the moderator's approval POST
	// Approval: from the moderator sending the approval until every youth
	// subscriber has the answer (round.answer_approved, the answer's text
	// in it); Each: the same per subscriber. Typing: the baseline, a
	// typing message from a youth socket to every subscriber of the same
	// topic, interleaved with the approvals.
	Approval, Each, Typing, TypingEach Latency
}

var (
	answerApprovedKey = []byte(`"event":"round.answer_approved"`)
	answerIDKey       = []byte(`"answerId":"`)
	roundTypingKey    = []byte(`"type":"typing"`)
	itemIDKey         = []byte(`"itemId":"`)
)

// stringAfter reads the JSON string value right after key in msg.
func stringAfter(msg, key []byte) string {
	i := bytes.Index(msg, key)
	if i < 0 {
		return ""
	}
	rest := msg[i+len(key):]
	if j := bytes.IndexByte(rest, '"'); j > 0 {
		return string(rest[:j])
	}
	return ""
}

// roundProbeOf names the probe msg carries: "a<answerId>" for an approved
// answer, "t<itemId>" for typing in an item of the round's pledge.
func roundProbeOf(msg []byte) string {
	switch {
	case bytes.Contains(msg, answerApprovedKey):
		if id := stringAfter(msg, answerIDKey); id != "" {
			return "a" + id
		}
	case bytes.Contains(msg, roundTypingKey):
		if id := stringAfter(msg, itemIDKey); id != "" {
			return "t" + id
		}
	}
	return ""
}

// RunRounds sets up a published pledge of cfg.Items items and a round for
// cfg.Partners organisations, has every partner answer every item at once,
// then times approvals against typing on the same sockets.
func RunRounds(ctx context.Context, srv *Server, fix *Fixture, cfg RoundsConfig) (RoundsResult, error) {
	res := RoundsResult{Partners: cfg.Partners, Items: cfg.Items, Subscribers: cfg.Subscribers}
	modAcc, err := fix.addModerator(ctx, "moderator@bench.example")
	if err != nil {
		return res, fmt.Errorf("moderator: %w", err)
	}
	mod := &api{base: srv.Base, hc: newHTTPClient(4), token: modAcc.Token}
	type orgPartner struct {
		org string
		api *api
	}
	partners, err := inParallel(cfg.Partners, 4, func(i int) (orgPartner, error) {
		var o struct {
			Organisation struct {
				ID string `json:"id"`
			} `json:"organisation"`
		}
		if err := fix.coord.call(ctx, "POST", "/api/organisations", map[string]any{"name": fmt.Sprintf("Partner %d", i), "kind": "partner", "country": "DE"}, &o, 201); err != nil {
			return orgPartner{}, err
		}
		email := fmt.Sprintf("partner%d@bench.example", i)
		if err := fix.coord.call(ctx, "POST", "/api/panels/"+fix.Panel+"/invitations",
			map[string]any{"email": email, "role": "partner", "language": "en", "orgId": o.Organisation.ID}, nil, http.StatusCreated); err != nil {
			return orgPartner{}, err
		}
		token, err := fix.invitationToken(ctx, email)
		if err != nil {
			return orgPartner{}, err
		}
		anon := &api{base: srv.Base, hc: newHTTPClient(1)}
		if err := anon.call(ctx, "POST", "/api/invitations/by-token/"+token+"/accept",
			map[string]any{"displayName": "Pat Partner", "password": password, "language": "en"}, nil, http.StatusCreated); err != nil {
			return orgPartner{}, err
		}
		tok, err := accessToken(ctx, srv.Base, email)
		return orgPartner{org: o.Organisation.ID, api: &api{base: srv.Base, hc: newHTTPClient(2), token: tok}}, err
	})
	if err != nil {
		return res, fmt.Errorf("partners: %w", err)
	}

	// A published pledge of cfg.Items items, and the round.
	var p struct {
		Pledge struct {
			ID string `json:"id"`
		} `json:"pledge"`
	}
	if err := mod.call(ctx, "POST", "/api/groups/"+fix.Group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, &p, 201); err != nil {
		return res, err
	}
	items := make([]string, cfg.Items)
	for i := range items {
		var it itemReply
		if err := mod.call(ctx, "POST", "/api/pledges/"+p.Pledge.ID+"/items", map[string]any{"heading": fmt.Sprintf("Item %d", i+1),
			"text": "Apps should explain their rules in words young people understand.", "summary": "Say it simply"}, &it, 201); err != nil {
			return res, err
		}
		items[i] = it.Item.ID
	}
	for _, to := range []string{"in_review", "published"} {
		if err := mod.call(ctx, "POST", "/api/pledges/"+p.Pledge.ID+"/transitions", map[string]any{"to": to}, nil, 200); err != nil {
			return res, err
		}
	}
	orgs := make([]string, len(partners))
	for i, pa := range partners {
		orgs[i] = pa.org
	}
	var rnd struct {
		Round struct {
			ID string `json:"id"`
		} `json:"round"`
	}
	if err := fix.coord.call(ctx, "POST", "/api/pledges/"+p.Pledge.ID+"/rounds", map[string]any{"organisationIds": orgs,
		"deadline": time.Now().Add(time.Hour).UTC()}, &rnd, 201); err != nil {
		return res, err
	}
	topic := "round:" + rnd.Round.ID

	// Every partner answers every item, all at once.
	due := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	type answered struct {
		rtt time.Duration
		err error
	}
	t0 := time.Now()
	outs, _ := inParallel(cfg.Partners*cfg.Items, cfg.Partners, func(k int) (answered, error) {
		pa, item := partners[k%cfg.Partners], items[k/cfg.Partners]
		start := time.Now()
		err := pa.api.call(ctx, "POST", "/api/rounds/"+rnd.Round.ID+"/items/"+item+"/answer", map[string]any{"stance": "commit",
			"explanation": "We will rewrite our terms in plain words and test them with young people.",
			"actions":     []any{map[string]any{"text": "Publish a plain-language summary", "dueDate": due}},
			"evidence":    []string{"https://partner.example/terms"}}, nil, 201)
		return answered{time.Since(start), err}, nil
	})
	elapsed := time.Since(t0)
	var rtts []time.Duration
	for _, o := range outs {
		if o.err != nil {
			if res.AnswerFailed == 0 {
				res.FailWhy = o.err.Error()
			}
			res.AnswerFailed++
			continue
		}
		rtts = append(rtts, o.rtt)
	}
	res.Answers = len(rtts)
	res.AnswerRTT = summarise(rtts, res.AnswerFailed)
	res.AnswerRate = float64(len(rtts)) / elapsed.Seconds()

	// The moderator's cases: one per answer.
	var queue struct {
		Cases []struct {
			ID      string `json:"id"`
			Content struct {
				ID string `json:"id"`
			} `json:"content"`
		} `json:"cases"`
	}
	if err := mod.call(ctx, "GET", "/api/moderation/queue?panelId="+fix.Panel+"&kind=partner_text&limit=1000", nil, &queue, 200); err != nil {
		return res, err
	}
	if len(queue.Cases) < cfg.Approvals {
		cfg.Approvals = len(queue.Cases)
	}

	// Youth sockets on the round, which follow the round's pledge too, and
	// one youth who types in the pledge: nobody types on a round's topic
	// (it only brings news), so the baseline is the same sockets' typing
	// fan-out on the pledge's.
	var tokens []string
	for _, y := range fix.Youth {
		tokens = append(tokens, y.Token)
	}
	pledgeTopic := "pledge:" + p.Pledge.ID
	subs, err := openSubscribers(ctx, srv.Base, tokens, topic, cfg.Subscribers)
	if err != nil {
		return res, fmt.Errorf("youth subscribers: %w", err)
	}
	for _, c := range subs {
		if err := subscribe(c, pledgeTopic, 30*time.Second); err != nil {
			return res, fmt.Errorf("youth subscribers, pledge: %w", err)
		}
	}
	recv := &receivers{key: roundProbeOf}
	recv.start(subs)
	defer recv.close()
	typist, err := dialWS(ctx, srv.Base, fix.Youth[0].Token, nil)
	if err != nil {
		return res, err
	}
	defer typist.Close()
	if err := subscribe(typist, pledgeTopic, 30*time.Second); err != nil {
		return res, err
	}
	go discard(typist)
	recv.quiet(ctx, 500*time.Millisecond, 60*time.Second)

	var all, each, tAll, tEach, approveRTT []time.Duration
	var miss, tMiss int
	worst := func(ds []time.Duration) time.Duration { return slices.Max(append(ds, 0)) }
	for k := range cfg.Approvals {
		c := queue.Cases[k]
		answerID := c.Content.ID[:max(strings.LastIndex(c.Content.ID, "_r"), 0)]
		var rtt time.Duration
		ds, m, err := recv.fire("a"+answerID, func() error {
			start := time.Now()
			err := mod.call(ctx, "POST", "/api/moderation/cases/"+c.ID+"/actions", map[string]any{"action": "approve", "reason": "fine"}, nil, 200)
			rtt = time.Since(start)
			return err
		})
		if err != nil {
			return res, err
		}
		approveRTT = append(approveRTT, rtt)
		each, miss = append(each, ds...), miss+m
		if m == 0 {
			all = append(all, worst(ds))
		}
		time.Sleep(25 * time.Millisecond)
		item := items[k%len(items)]
		msg, _ := json.Marshal(map[string]any{"type": "typing", "topic": pledgeTopic, "itemId": item})
		ds, m, err = recv.fire("t"+item, func() error {
			_ = typist.SetWriteDeadline(time.Now().Add(5 * time.Second))
			return typist.WriteMessage(websocket.TextMessage, msg)
		})
		if err != nil {
			return res, err
		}
		tEach, tMiss = append(tEach, ds...), tMiss+m
		if m == 0 {
			tAll = append(tAll, worst(ds))
		}
		time.Sleep(25 * time.Millisecond) // stay under the socket's rate limit
	}
	res.Approval, res.Each = summarise(all, 0), summarise(each, miss)
	res.Approval.Missing = cfg.Approvals - len(all)
	res.Typing, res.TypingEach = summarise(tAll, 0), summarise(tEach, tMiss)
	res.Typing.Missing = cfg.Approvals - len(tAll)
	res.ApproveRTT = summarise(approveRTT, 0).P50
	return res, nil
}
