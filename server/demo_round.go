package main

import (
	"context"
	"time"

	"chorus/app"
	"chorus/pledge"
	"chorus/round"
)

// seedRound gives the demo a feedback round to look at: a published pledge
// in a round open to the demo partner, which has drafted an answer.
func seedRound(ctx context.Context, p *app.Services, now time.Time, moderator, coordinator, partner, orgID, panelID, groupID string) error {
	pl, err := p.Pledges.Create(ctx, moderator, pledge.CreateInput{PanelID: panelID, GroupID: groupID, Title: "Youth Pledge for a Better Internet", Language: "en"})
	if err != nil {
		return err
	}
	var items []pledge.Item
	for _, in := range []pledge.ItemInput{
		{Heading: "Rules we understand", Text: "Explain your rules and privacy information in words a 13-year-old understands.", Summary: "Say it in our words."},
		{Heading: "Private by default", Text: "Young people's accounts start private, and location is off until they turn it on.", Summary: "Private first."},
	} {
		it, err := p.Pledges.AddItem(ctx, moderator, pl.ID, in)
		if err != nil {
			return err
		}
		items = append(items, it)
	}
	for _, to := range []pledge.State{pledge.InReview, pledge.Published} {
		if _, err := p.Pledges.Move(ctx, moderator, pl.ID, to); err != nil {
			return err
		}
	}
	r, err := p.Rounds.Open(ctx, coordinator, round.OpenInput{PledgeID: pl.ID, OrgIDs: []string{orgID}, Deadline: now.AddDate(0, 0, 14),
		Questions: map[string]string{items[0].ID: "How will you test your texts with young people?"}})
	if err != nil {
		return err
	}
	// Only a draft: a submitted answer would wait in the moderators' queue,
	// which the demo keeps empty for newcomers to see what arrives.
	w := round.Answerer{AccountID: partner, OrgID: orgID, Language: "en"}
	_, err = p.Rounds.SaveDraft(ctx, r.ID, items[0].ID, w, round.Body{Stance: round.Commit,
		Explanation: "We will rewrite our terms with a youth panel and publish a short version.",
		Actions:     []round.Action{{Text: "Publish a one-page summary of our terms", DueDate: now.AddDate(0, 3, 0).Format(time.DateOnly)}}})
	return err
}
