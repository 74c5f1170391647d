package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"chorus/app"
	"chorus/auth"
	"chorus/consent"
	"chorus/identity"
	"chorus/mail/outbox"
	"chorus/pledge"
)

// DemoPassword is the password of every seeded demo account.
const DemoPassword = "chorus-demo-2026"

// demoPerson is one seeded account and what a newcomer should try with it.
type demoPerson struct {
	name, email, role, birth, country, lang, note string
}

// seedDemo fills an empty store with a small living workspace: a Safer
// Internet Centre with a panel and a group, staff, three young people whose
// consents stand in different states, and a partner. It goes through the
// same services as real people do; guardians answer by following the link
// in the mail held in the outbox. It does nothing when accounts exist.
func seedDemo(ctx context.Context, p *app.Services, now time.Time, out io.Writer) error {
	if p.Outbox == nil {
		return fmt.Errorf("the demo keeps mail in the outbox: unset SMTP_URL")
	}
	token, ok, err := p.Identity.NewSetupToken(ctx)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(out, "\nThe demo workspace is already set up: sign in as coordinator@demo.chorus (password %s).\n\n", DemoPassword)
		return nil
	}
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	coord, sic, err := p.Identity.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "Safer Internet Centre (demo)", Country: "BE",
		DisplayName: "Camille Coordinator", Email: "coordinator@demo.chorus", Language: "en", PasswordHash: hash})
	if err != nil {
		return err
	}
	panel, err := p.Identity.CreatePanel(ctx, coord.ID, identity.PanelInput{OrgID: sic.ID, Name: "European Youth Panel", Country: "BE", Languages: []string{"en", "fr", "de"}})
	if err != nil {
		return err
	}
	if err := p.Identity.AddCoordinator(ctx, coord.ID, panel.ID); err != nil {
		return err
	}
	group, err := p.Identity.CreateGroup(ctx, coord.ID, panel.ID, "Clear terms team")
	if err != nil {
		return err
	}
	partnerOrg, err := p.Identity.CreateOrganisation(ctx, coord.ID, "PixelApps (demo partner)", identity.IndustryPartner, "DE", sic.ID)
	if err != nil {
		return err
	}

	birth := func(years, months int) string { return now.AddDate(-years, -months, 0).Format("2006-01-02") }
	people := []demoPerson{
		{"Mo Moderator", "moderator@demo.chorus", "moderator", "", "", "en", "sees everything in the panel"},
		// Live sessions need two moderators connected (the panel's default): the demo has two.
		{"Max Moderator", "moderator2@demo.chorus", "moderator", "", "", "de", "the second moderator a live session needs"},
		{"Léa Dubois", "lea@demo.chorus", "youth", birth(13, 3), "FR", "fr", "13, France (consent age 15): waiting for her guardian"},
		{"Jonas Weber", "jonas@demo.chorus", "youth", birth(15, 4), "DE", "de", "15, Germany (consent age 16): guardian said yes to taking part"},
		{"Giulia Rossi", "giulia@demo.chorus", "ambassador", birth(17, 1), "IT", "en", "17, Italy (consent age 14): agreed herself"},
		{"Sam Partner", "sam@demo.chorus", "partner", "", "", "en", "industry partner: sees only what is published to PixelApps"},
	}
	ids := map[string]string{}
	for _, d := range people {
		in := identity.InviteInput{Email: d.email, Role: identity.Role(d.role), PanelID: panel.ID, Language: d.lang}
		if d.role != "partner" {
			in.GroupID = group.ID
		} else {
			in.OrgID = partnerOrg.ID
		}
		_, tok, err := p.Identity.Invite(ctx, coord.ID, in)
		if err != nil {
			return err
		}
		acc, _, err := p.Identity.AcceptInvitation(ctx, identity.AcceptInput{Token: tok, DisplayName: d.name, PasswordHash: hash, BirthDate: d.birth, Country: d.country, Language: d.lang})
		if err != nil {
			return fmt.Errorf("demo account %s: %w", d.email, err)
		}
		ids[d.email] = acc.ID
	}

	// Léa asks her guardian and waits; Jonas's guardian answers yes to
	// taking part and appearing in videos, but not to publishing them.
	if err := p.Consent.RequestGuardian(ctx, ids["lea@demo.chorus"], "parent.dubois@demo.chorus", "fr"); err != nil {
		return err
	}
	if err := p.Consent.RequestGuardian(ctx, ids["jonas@demo.chorus"], "parent.weber@demo.chorus", "de"); err != nil {
		return err
	}
	link, err := heldLink(ctx, p.Outbox, "parent.weber@demo.chorus", "/guardian/")
	if err != nil {
		return err
	}
	if err := p.Consent.ConfirmGuardian(ctx, strings.TrimPrefix(link, "/guardian/"), "Petra Weber",
		map[consent.Scope]bool{consent.Participate: true, consent.VideoAppear: true, consent.VideoPublish: false}); err != nil {
		return err
	}
	if _, err := p.Consent.Grant(ctx, ids["giulia@demo.chorus"], consent.Participate, "en"); err != nil {
		return err
	}

	// A draft pledge the group is working on, started by the ambassador.
	if err := seedPledge(ctx, p, ids["giulia@demo.chorus"], panel.ID, group.ID); err != nil {
		return err
	}

	// A feedback round open to the partner, with its draft of an answer.
	if err := seedRound(ctx, p, now, ids["moderator@demo.chorus"], coord.ID, ids["sam@demo.chorus"], partnerOrg.ID, panel.ID, group.ID); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nDemo workspace ready. Every account's password is %s\n\n", DemoPassword)
	fmt.Fprintf(out, "  %-26s %-12s %s\n", "sign in as", "role", "what to look at")
	fmt.Fprintf(out, "  %-26s %-12s %s\n", "coordinator@demo.chorus", "coordinator", "panels, invitations, held mail (/outbox)")
	for _, d := range people {
		fmt.Fprintf(out, "  %-26s %-12s %s\n", d.email, d.role, d.note)
	}
	fmt.Fprintf(out, "\nGuardian links are in the held mail: sign in as the coordinator and open /outbox.\n\n")
	return nil
}

// seedPledge starts the group's first pledge, in the words young people
// used in the Youth Pledge for a Better Internet.
func seedPledge(ctx context.Context, p *app.Services, author, panelID, groupID string) error {
	pl, err := p.Pledges.Create(ctx, author, pledge.CreateInput{PanelID: panelID, GroupID: groupID, Title: "Youth Pledge for clear terms", Language: "en"})
	if err != nil {
		return err
	}
	for _, it := range []pledge.ItemInput{
		{Heading: "Say it simply", Text: "Write your terms and privacy information in short sentences and plain words that young people understand.", Summary: "Use words we know."},
		{Heading: "Safe from the start", Text: "Make the safest settings the default for young people, so nobody has to search for them.", Summary: "Safe settings first."},
	} {
		if _, err := p.Pledges.AddItem(ctx, author, pl.ID, it); err != nil {
			return err
		}
	}
	return nil
}

var linkPath = regexp.MustCompile(`https?://[^/\s]+(/[^\s"<]*)`)

// heldLink finds the newest held mail to addr and returns the path of its
// first link starting with prefix.
func heldLink(ctx context.Context, o *outbox.Outbox, addr, prefix string) (string, error) {
	page, err := o.List(ctx, outbox.Query{Limit: 100})
	if err != nil {
		return "", err
	}
	for _, e := range page.Entries {
		if e.Message.To != addr {
			continue
		}
		for _, m := range linkPath.FindAllStringSubmatch(e.Message.Text, -1) {
			if strings.HasPrefix(m[1], prefix) {
				return m[1], nil
			}
		}
	}
	return "", fmt.Errorf("no held mail to %s with a %s link", addr, prefix)
}
