// Package access is the right of access and to data portability (GDPR Art.
// 15 and 20): everything Chorus holds about a person, gathered from each
// feature behind a small port, in one zip that programs read (JSON) and
// people read (an HTML summary in their language). The person's own export
// and their guardian's export of the child's data are the same file.
package access

import (
	"archive/zip"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"time"

	"chorus/consent"
	"chorus/fault"
	"chorus/media/review"
	"chorus/moderation"
	"chorus/moderation/livesession"
	"chorus/pledge"
	"chorus/round"
)

// The ports: what each feature holds about a person.
type (
	// Consent is the ledger.
	Consent interface {
		History(ctx context.Context, accountID string) ([]consent.Record, error)
		ExportRecords(ctx context.Context, accountID string) ([]byte, error)
	}
	// Pledges is what they wrote in pledges.
	Pledges interface {
		ContributionsOf(ctx context.Context, accountID string) (pledge.Contributions, error)
	}
	// Messages is what they said in live sessions.
	Messages interface {
		MessagesOf(ctx context.Context, accountID string) ([]livesession.Message, error)
	}
	// Rounds is what they asked, rated and reacted in feedback rounds.
	Rounds interface {
		ContributionsOf(ctx context.Context, accountID string) (round.Contributions, error)
	}
	// Videos is the videos they are tagged in and their video comments.
	Videos interface {
		AppearancesOf(ctx context.Context, accountID string) (review.Appearances, error)
	}
	// Moderation is what moderation holds about them.
	Moderation interface {
		AboutPerson(ctx context.Context, accountID string) (moderation.PersonRecord, error)
	}
)

// Sources are the features an export reads. Nil sources are left out.
type Sources struct {
	Consent    Consent
	Pledges    Pledges
	Messages   Messages
	Moderation Moderation
	Rounds     Rounds
	Videos     Videos
}

// Person is who the export is about, as the caller shows them: the account
// as the app shows it (JSON), and the facts the summary prints.
type Person struct {
	AccountID string
	Name      string
	Email     string
	Country   string
	Account   any // written as account.json
}

// Export is everything about one person, as written to contributions.json
// and moderation.json.
type Export struct {
	Pledges         pledge.Contributions    `json:"pledges"`
	SessionMessages []livesession.Message   `json:"sessionMessages"`
	Rounds          round.Contributions     `json:"rounds"`
	Videos          review.Appearances      `json:"videos"`
	Moderation      moderation.PersonRecord `json:"moderation"`
	Consent         []consent.Record        `json:"-"`
}

// Service writes exports.
type Service struct {
	Sources Sources
	Now     func() time.Time
}

// NewService returns a Service with the real clock.
func NewService(src Sources) *Service { return &Service{Sources: src, Now: time.Now} }

// Gather reads everything about accountID from every source.
func (s *Service) Gather(ctx context.Context, accountID string) (Export, error) {
	var x Export
	var err error
	if s.Sources.Pledges != nil {
		if x.Pledges, err = s.Sources.Pledges.ContributionsOf(ctx, accountID); err != nil {
			return x, err
		}
	}
	if x.Pledges.Revisions == nil {
		x.Pledges = pledge.Contributions{Revisions: []pledge.Revision{}, Comments: []pledge.Comment{}, Amendments: []pledge.Amendment{}}
	}
	x.SessionMessages = []livesession.Message{}
	if s.Sources.Messages != nil {
		if x.SessionMessages, err = s.Sources.Messages.MessagesOf(ctx, accountID); err != nil {
			return x, err
		}
	}
	x.Rounds = round.Contributions{FollowUps: []round.FollowUp{}, Ratings: []round.StoredRating{}, Reactions: []round.Reacted{}}
	if s.Sources.Rounds != nil {
		if x.Rounds, err = s.Sources.Rounds.ContributionsOf(ctx, accountID); err != nil {
			return x, err
		}
	}
	x.Videos = review.Appearances{Tags: []review.Tag{}, Comments: []review.Comment{}}
	if s.Sources.Videos != nil {
		if x.Videos, err = s.Sources.Videos.AppearancesOf(ctx, accountID); err != nil {
			return x, err
		}
	}
	x.Moderation = moderation.PersonRecord{Cases: []moderation.PersonCase{}, Sanctions: []moderation.Sanction{}, Reports: []moderation.Report{}}
	if s.Sources.Moderation != nil {
		if x.Moderation, err = s.Sources.Moderation.AboutPerson(ctx, accountID); err != nil {
			return x, err
		}
	}
	if x.Consent, err = s.Sources.Consent.History(ctx, accountID); err != nil {
		return x, err
	}
	return x, nil
}

// Files of the zip.
const (
	FileAccount       = "account.json"
	FileConsent       = "consent-records.json" // ISO/IEC TS 27560
	FileContributions = "contributions.json"
	FileModeration    = "moderation.json"
	FileSummary       = "summary.html"
)

// Zip writes the export of p as a zip, its summary in lang.
func (s *Service) Zip(ctx context.Context, p Person, lang string) ([]byte, error) {
	x, err := s.Gather(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	records, err := s.Sources.Consent.ExportRecords(ctx, p.AccountID)
	if fault.Is(err, fault.NotFound) {
		records, err = []byte("{\"records\": []}\n"), nil
	}
	if err != nil {
		return nil, err
	}
	account, err := json.MarshalIndent(p.Account, "", "  ")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "access: encode the account")
	}
	contributions, err := json.MarshalIndent(map[string]any{"pledges": x.Pledges, "sessionMessages": x.SessionMessages, "rounds": x.Rounds, "videos": x.Videos}, "", "  ")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "access: encode the contributions")
	}
	mod, err := json.MarshalIndent(x.Moderation, "", "  ")
	if err != nil {
		return nil, fault.Wrap(fault.Internal, err, "access: encode the moderation records")
	}
	var summary bytes.Buffer
	if err := summaryHTML.Execute(&summary, s.summaryData(p, x, lang)); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "access: write the summary")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{FileSummary, summary.Bytes()}, {FileAccount, account}, {FileConsent, records}, {FileContributions, contributions}, {FileModeration, mod}} {
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, fault.Wrap(fault.Internal, err, "access: write the zip")
		}
		if _, err := w.Write(f.data); err != nil {
			return nil, fault.Wrap(fault.Internal, err, "access: write the zip")
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "access: write the zip")
	}
	return buf.Bytes(), nil
}

//go:embed data/summary.json
var summaryJSON []byte

// labels are the summary's texts per language; they address nobody, as the
// reader is the person or their guardian.
var labels = func() map[string]map[string]string {
	var f struct {
		Labels map[string]map[string]string `json:"labels"`
	}
	if err := json.Unmarshal(summaryJSON, &f); err != nil {
		panic(fmt.Sprintf("access: data/summary.json: %v", err))
	}
	return f.Labels
}()

// row is one line of a summary table.
type row struct {
	When  string
	What  string
	Text  string
	State string
}

func (s *Service) summaryData(p Person, x Export, lang string) map[string]any {
	l, ok := labels[lang]
	if !ok {
		lang, l = "en", labels["en"]
	}
	when := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
	ms := func(v int64) string { return when(time.UnixMilli(v)) }
	var consentRows, itemRows, commentRows, amendmentRows, messageRows, roundRows, videoRows, caseRows, sanctionRows []row
	for _, r := range x.Consent {
		consentRows = append(consentRows, row{When: when(r.Time), What: string(r.Scope), Text: string(r.Actor) + " · " + string(r.Method), State: string(r.Action)})
	}
	for _, r := range x.Pledges.Revisions {
		itemRows = append(itemRows, row{When: when(r.At), What: r.Heading, Text: r.Text, State: r.Kind})
	}
	for _, c := range x.Pledges.Comments {
		commentRows = append(commentRows, row{When: when(c.At), Text: c.Text, State: commentState(c, l)})
	}
	for _, a := range x.Pledges.Amendments {
		amendmentRows = append(amendmentRows, row{When: when(a.At), What: string(a.Field), Text: a.Text, State: a.State})
	}
	for _, m := range x.SessionMessages {
		messageRows = append(messageRows, row{When: when(m.At), What: string(m.Kind), Text: m.Text, State: string(m.Status)})
	}
	for _, f := range x.Rounds.FollowUps {
		roundRows = append(roundRows, row{When: when(f.At), What: l["roundQuestion"], Text: f.Text, State: string(f.Status)})
	}
	for _, v := range x.Rounds.Ratings {
		roundRows = append(roundRows, row{When: when(v.At), What: l["roundRating"] + " · " + string(v.Rating), Text: v.Reason, State: string(v.ReasonStatus)})
	}
	for _, re := range x.Rounds.Reactions {
		roundRows = append(roundRows, row{When: when(re.At), What: l["roundReaction"], Text: string(re.Reaction)})
	}
	for _, tg := range x.Videos.Tags {
		state := l["unconfirmed"]
		if tg.Confirmed {
			state = l["confirmed"]
		}
		videoRows = append(videoRows, row{When: when(tg.CreatedAt), What: l["videoTag"], Text: x.Videos.Title(tg.VideoID), State: state})
	}
	for _, c := range x.Videos.Comments {
		videoRows = append(videoRows, row{When: when(c.CreatedAt), What: l["videoComment"] + " · " + x.Videos.Title(c.VideoID), Text: c.Text, State: videoCommentState(c, l)})
	}
	for _, c := range x.Moderation.Cases {
		caseRows = append(caseRows, row{When: ms(c.OpenedAt), What: string(c.Kind) + " · " + c.Category, Text: c.Content.Excerpt, State: string(c.Status)})
	}
	for _, z := range x.Moderation.Sanctions {
		sanctionRows = append(sanctionRows, row{When: ms(z.StartsAt), What: string(z.Kind), Text: z.Reason})
	}
	return map[string]any{
		"Lang": lang, "L": l, "Generated": when(s.Now()),
		"Name": p.Name, "Email": p.Email, "Country": p.Country, "ID": p.AccountID,
		"Sections": []map[string]any{
			{"Title": l["consent"], "Rows": consentRows},
			{"Title": l["items"], "Rows": itemRows},
			{"Title": l["comments"], "Rows": commentRows},
			{"Title": l["amendments"], "Rows": amendmentRows},
			{"Title": l["messages"], "Rows": messageRows},
			{"Title": l["rounds"], "Rows": roundRows},
			{"Title": l["videos"], "Rows": videoRows},
			{"Title": l["cases"], "Rows": caseRows},
			{"Title": l["sanctions"], "Rows": sanctionRows},
		},
		"Reports": len(x.Moderation.Reports),
	}
}

// videoCommentState says whether others read a video comment.
func videoCommentState(c review.Comment, l map[string]string) string {
	switch {
	case c.Hidden:
		return l["hidden"]
	case c.Held:
		return l["held"]
	}
	return l["shown"]
}

func commentState(c pledge.Comment, l map[string]string) string {
	switch {
	case c.Erased:
		return l["erased"]
	case c.Hidden:
		return l["hidden"]
	case c.Held:
		return l["held"]
	}
	return l["shown"]
}

var summaryHTML = template.Must(template.New("summary").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.L.title}}</title>
<style>body{font-family:sans-serif;line-height:1.5;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}</style>
</head><body>
<h1>{{.L.title}}</h1>
<p>{{.L.lead}}</p>
<dl><dt>{{.L.name}}</dt><dd>{{.Name}}</dd><dt>{{.L.email}}</dt><dd>{{.Email}}</dd><dt>{{.L.country}}</dt><dd>{{.Country}}</dd><dt>{{.L.id}}</dt><dd>{{.ID}}</dd><dt>{{.L.generated}}</dt><dd>{{.Generated}}</dd></dl>
{{range .Sections}}<section><h2>{{.Title}}</h2>
{{if .Rows}}<table><thead><tr><th scope="col">{{$.L.when}}</th><th scope="col">{{$.L.what}}</th><th scope="col">{{$.L.text}}</th><th scope="col">{{$.L.state}}</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.When}}</td><td>{{.What}}</td><td>{{.Text}}</td><td>{{.State}}</td></tr>
{{end}}</tbody></table>{{else}}<p>{{$.L.none}}</p>{{end}}
</section>
{{end}}<section><h2>{{.L.reports}}</h2><p>{{.Reports}}</p></section>
<p>{{.L.files}}</p>
</body></html>
`))
