package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
)

const password = "violet-ferry-42-lantern"

// api calls the Chorus HTTP API as one signed-in person (a Bearer token,
// so no CSRF cookie is involved), or anonymously when token is "".
type api struct {
	base  string
	hc    *http.Client
	token string
}

func newHTTPClient(conns int) *http.Client {
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute,
	}}
}

// call sends body as JSON and decodes the answer into out when the status
// is want.
func (a *api) call(ctx context.Context, method, path string, body, out any, want int) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.hc.Jar != nil { // the browser-like client of the first set-up
		u, _ := url.Parse(a.base)
		for _, c := range a.hc.Jar.Cookies(u) {
			if c.Name == "chorus_csrf" {
				req.Header.Set("X-CSRF-Token", c.Value)
			}
		}
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: got %d, want %d: %s", method, path, resp.StatusCode, want, firstLine(string(raw)))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Account is a person the benchmark signed in.
type Account struct {
	ID    string
	Token string // access token: the Bearer header, or the value of the chorus_at cookie
}

// Fixture is a set-up server: a coordinator with a panel and a group, and
// youth members of the group who gave the participate consent (so they
// may view and edit the group's pledges).
type Fixture struct {
	srv   *Server
	coord *api
	Coord Account
	Panel string
	Group string
	Youth []Account
}

// Setup completes the server's first-run set-up and invites youth people.
func Setup(ctx context.Context, srv *Server, youth int) (*Fixture, error) {
	token, err := srv.setupToken()
	if err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	browser := &api{base: srv.Base, hc: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
	if err := browser.call(ctx, "GET", "/api/session", nil, nil, 200); err != nil {
		return nil, err
	}
	const coordEmail = "coordinator@bench.example"
	var me struct {
		Me struct {
			Account struct {
				ID string `json:"id"`
			} `json:"account"`
		} `json:"me"`
	}
	if err := browser.call(ctx, "POST", "/api/setup", map[string]any{"token": token, "orgName": "Bench Centre", "country": "FR",
		"displayName": "Claire Martin", "email": coordEmail, "password": password, "language": "en"}, &me, 201); err != nil {
		return nil, err
	}
	f := &Fixture{srv: srv}
	f.Coord.ID = me.Me.Account.ID
	if f.Coord.Token, err = accessToken(ctx, srv.Base, coordEmail); err != nil {
		return nil, err
	}
	f.coord = &api{base: srv.Base, hc: newHTTPClient(16), token: f.Coord.Token}
	var panel struct {
		Panel struct {
			ID string `json:"id"`
		} `json:"panel"`
	}
	if err := f.coord.call(ctx, "POST", "/api/panels", map[string]any{"name": "Youth panel", "country": "FR", "languages": []string{"en"}}, &panel, 201); err != nil {
		return nil, err
	}
	f.Panel = panel.Panel.ID
	groups, err := f.AddGroups(ctx, 1)
	if err != nil {
		return nil, err
	}
	f.Group = groups[0]
	// Nobody writes in a group without a moderator member (rule 1).
	if _, err := f.addModerator(ctx, "groupmoderator@bench.example"); err != nil {
		return nil, fmt.Errorf("group moderator: %w", err)
	}
	for i := range youth {
		acc, err := f.invite(ctx, fmt.Sprintf("youth%d@bench.example", i), fmt.Sprintf("Sam Number%c", 'A'+i%26))
		if err != nil {
			return nil, err
		}
		f.Youth = append(f.Youth, acc)
	}
	return f, nil
}

func accessToken(ctx context.Context, base, email string) (string, error) {
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	a := &api{base: base, hc: newHTTPClient(1)}
	err := a.call(ctx, "POST", "/api/auth/token", map[string]any{"email": email, "password": password}, &tok, 200)
	return tok.AccessToken, err
}

var inviteRE = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)

// invite makes a 16-year-old youth member of the group with the
// participate consent, and signs them in.
func (f *Fixture) invite(ctx context.Context, email, name string) (Account, error) {
	if err := f.coord.call(ctx, "POST", "/api/panels/"+f.Panel+"/invitations",
		map[string]any{"email": email, "role": "youth", "language": "en", "groupId": f.Group}, nil, 201); err != nil {
		return Account{}, err
	}
	token, err := f.srv.invitationToken(email)
	if err != nil {
		return Account{}, err
	}
	anon := &api{base: f.srv.Base, hc: newHTTPClient(1)}
	var me struct {
		Me struct {
			Account struct {
				ID string `json:"id"`
			} `json:"account"`
		} `json:"me"`
	}
	birth := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	if err := anon.call(ctx, "POST", "/api/invitations/by-token/"+token+"/accept", map[string]any{"displayName": name,
		"password": password, "language": "en", "birthDate": birth, "country": "FR"}, &me, 201); err != nil {
		return Account{}, err
	}
	acc := Account{ID: me.Me.Account.ID}
	if acc.Token, err = accessToken(ctx, f.srv.Base, email); err != nil {
		return Account{}, err
	}
	youth := &api{base: f.srv.Base, hc: newHTTPClient(1), token: acc.Token}
	if err := youth.call(ctx, "POST", "/api/me/consents/participate/grant", nil, nil, 200); err != nil {
		return Account{}, err
	}
	return acc, nil
}

// AddGroups creates n more groups in the panel and returns their ids.
func (f *Fixture) AddGroups(ctx context.Context, n int) ([]string, error) {
	ids, err := inParallel(n, 8, func(i int) (string, error) {
		var g struct {
			Group struct {
				ID string `json:"id"`
			} `json:"group"`
		}
		err := f.coord.call(ctx, "POST", "/api/panels/"+f.Panel+"/groups", map[string]any{"name": fmt.Sprintf("Group %d", i)}, &g, 201)
		return g.Group.ID, err
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// Pledge is a draft pledge with one item, as the benchmark edits it.
type Pledge struct {
	ID, Item string
	Text     string
	Version  int64
	// Probes are items that typing probes name: the server relays typing
	// only for an item of the pledge, so each probe names one of these
	// (probeItem) and receivers tell the probes apart by it (probeOf).
	Probes []string
}

// probeItems is how many probe items a bench pledge has: more than probes
// ever wait at once.
const probeItems = 40

// probeIndex maps a probe item's id to its index in its pledge's Probes.
var probeIndex sync.Map

// probeItem is the item a typing probe numbered k names.
func (p Pledge) probeItem(k int64) string { return p.Probes[k%int64(len(p.Probes))] }

// Topic is the pledge's live feed.
func (p Pledge) Topic() string { return "pledge:" + p.ID }

// NewPledge starts a pledge in the group (as the first youth) with one item
// whose text is about textLen characters.
func (f *Fixture) NewPledge(ctx context.Context, textLen int) (Pledge, error) {
	var sb strings.Builder
	for sb.Len() < textLen {
		sb.WriteString("Apps should explain their rules in words young people understand. ")
	}
	return f.NewPledgeText(ctx, sb.String()[:textLen])
}

// NewPledgeText starts a pledge in the group (as the first youth) with one
// item of text.
func (f *Fixture) NewPledgeText(ctx context.Context, text string) (Pledge, error) {
	a := &api{base: f.srv.Base, hc: newHTTPClient(1), token: f.Youth[0].Token}
	var p struct {
		Pledge struct {
			ID string `json:"id"`
		} `json:"pledge"`
	}
	if err := a.call(ctx, "POST", "/api/groups/"+f.Group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, &p, 201); err != nil {
		return Pledge{}, err
	}
	var it itemReply
	if err := a.call(ctx, "POST", "/api/pledges/"+p.Pledge.ID+"/items", map[string]any{"heading": "Plain words", "text": text,
		"summary": "Say it simply"}, &it, 201); err != nil {
		return Pledge{}, err
	}
	pl := Pledge{ID: p.Pledge.ID, Item: it.Item.ID, Text: it.Item.Text, Version: it.Item.Version}
	for k := range probeItems {
		var probe itemReply
		if err := a.call(ctx, "POST", "/api/pledges/"+p.Pledge.ID+"/items", map[string]any{"heading": fmt.Sprintf("Probe %d", k), "text": "Typing probes name this item."}, &probe, 201); err != nil {
			return Pledge{}, err
		}
		probeIndex.Store(probe.Item.ID, int64(k))
		pl.Probes = append(pl.Probes, probe.Item.ID)
	}
	return pl, nil
}

type itemReply struct {
	Item struct {
		ID      string `json:"id"`
		Text    string `json:"text"`
		Version int64  `json:"version"`
	} `json:"item"`
}

// item reads the pledge's item as stored now.
func (a *api) item(ctx context.Context, p Pledge) (string, int64, error) {
	var d struct {
		Items []struct {
			ID      string `json:"id"`
			Text    string `json:"text"`
			Version int64  `json:"version"`
		} `json:"items"`
	}
	if err := a.call(ctx, "GET", "/api/pledges/"+p.ID, nil, &d, 200); err != nil {
		return "", 0, err
	}
	for _, it := range d.Items {
		if it.ID == p.Item {
			return it.Text, it.Version, nil
		}
	}
	return "", 0, fmt.Errorf("item %s is gone", p.Item)
}

// edit sends one edit of the item's text made on version base.
func (a *api) edit(ctx context.Context, p Pledge, base int64, text string) (itemReply, error) {
	var out itemReply
	err := a.call(ctx, "POST", "/api/pledges/"+p.ID+"/items/"+p.Item+"/edits", map[string]any{"field": "text", "baseVersion": base, "text": text}, &out, 200)
	return out, err
}
