package httpapi

import (
	"context"
	"slices"
	"strings"

	"chorus/fault"
	"chorus/moderation"
)

// auditEntryView is an audit entry as the trail shows it: the content
// named by what it belongs to (a pledge's or a session's title). The name
// is looked up when the trail is read, never copied into the append-only
// trail, so it leaves with the content when that is erased.
type auditEntryView struct {
	moderation.AuditEntry
	ContentTitle string `json:"contentTitle,omitempty"`
	ContentLink  string `json:"contentLink,omitempty"`
}

// Reading the trail: how much of the event log one request copies in
// before it answers, and how many entries a title search looks through.
const (
	auditFollowPerRequest = 5000
	maxAuditTitleScan     = 5000
)

// auditPeople is whom a person search means: the members of the searched
// panels whose name contains the words (any case), and the words
// themselves as an account id.
func (a *API) auditPeople(ctx context.Context, panels []string, words string) ([]string, error) {
	words = strings.TrimSpace(words)
	if words == "" {
		return nil, nil
	}
	out := []string{words}
	want := strings.ToLower(words)
	for _, panel := range panels {
		members, err := a.people.Identity.PanelMembers(ctx, panel)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if strings.Contains(strings.ToLower(m.Account.DisplayName), want) && !slices.Contains(out, m.Account.ID) {
				out = append(out, m.Account.ID)
			}
		}
	}
	return out, nil
}

// auditSearch is one page of the trail for q, each entry with its
// content's name, and only entries whose content's name contains title
// when it is set (looking through at most maxAuditTitleScan entries per
// page; next goes on from where it stopped).
func (a *API) auditSearch(ctx context.Context, q moderation.AuditQuery, title string, scan int) ([]auditEntryView, string, error) {
	if _, err := a.people.FollowAudit(ctx, auditFollowPerRequest); err != nil {
		return nil, "", err
	}
	if q.Limit == 0 {
		q.Limit = moderation.DefaultAuditLimit
	}
	want := strings.ToLower(strings.TrimSpace(title))
	names := map[string]contentInfo{}
	out := []auditEntryView{}
	for scanned := 0; ; {
		page, err := a.people.Moderation.SearchAudit(ctx, q)
		if err != nil {
			return nil, "", err
		}
		for _, e := range page.Entries {
			v, err := a.auditEntryView(ctx, e, names)
			if err != nil {
				return nil, "", err
			}
			if want == "" || strings.Contains(strings.ToLower(v.ContentTitle), want) {
				out = append(out, v)
			}
		}
		scanned += len(page.Entries)
		if want == "" || page.Next == "" || len(out) >= q.Limit || scanned >= scan {
			return out, page.Next, nil
		}
		q.After = page.Next
	}
}

// auditEntryView names e's content; names caches what was looked up.
func (a *API) auditEntryView(ctx context.Context, e moderation.AuditEntry, names map[string]contentInfo) (auditEntryView, error) {
	v := auditEntryView{AuditEntry: e}
	if e.ContentType == "" {
		return v, nil
	}
	key := e.ContentType + ":" + e.ContentID
	info, ok := names[key]
	if !ok {
		if kind, known := a.people.Moderation.Kind(e.ContentType); known {
			got, err := kind.Resolve(ctx, e.ContentID)
			if err != nil && !fault.Is(err, fault.NotFound) {
				return v, err
			}
			info = got
		}
		names[key] = info
	}
	v.ContentTitle, v.ContentLink = info.Title, info.Link
	return v, nil
}
