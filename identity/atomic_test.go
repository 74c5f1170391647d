package identity_test

import (
	"context"
	"testing"

	"chorus/identity"
	"chorus/store/storetest"
)

var identityCollections = []string{identity.AccountsCollection, identity.OrganisationsCollection, identity.PanelsCollection,
	identity.GroupsCollection, identity.MembershipsCollection, identity.InvitationsCollection, identity.SetupCollection}

// Every identity change of several writes (set-up, a new centre and its
// coordinator, accepting an invitation, erasing an account, and each change
// with its audit event) is all or none: whichever write fails, nothing of
// it is left and the invitation or set-up link can be used again.
func TestIdentityWritesAreAllOrNone(t *testing.T) {
	s, docs, _ := newService(t)
	f := &storetest.Faulty{Documents: docs}
	s.Docs = f
	ctx := context.Background()
	every := func(what string, min int, op func() error) {
		t.Helper()
		if n := storetest.EveryWriteFails(t, f, identityCollections, op); n < min {
			t.Errorf("%s made %d writes, want at least %d", what, n, min)
		}
	}

	token, _, err := s.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var coord identity.Account
	var centre identity.Organisation
	every("set-up", 7, func() (err error) {
		coord, centre, err = s.CompleteSetup(ctx, identity.SetupInput{Token: token, OrgName: "SIC FR", Country: "FR",
			DisplayName: "Claire Martin", Email: "claire@example.org", Language: "fr", PasswordHash: "h"})
		return err
	})
	every("a new centre", 4, func() error {
		_, err := s.CreateOrganisation(ctx, coord.ID, "SIC BE", identity.SaferInternetCentre, "BE", centre.ID)
		return err
	})
	var panel identity.Panel
	every("a panel", 2, func() (err error) {
		panel, err = s.CreatePanel(ctx, coord.ID, identity.PanelInput{OrgID: centre.ID, Name: "Panel", Country: "FR"})
		return err
	})
	three := 3
	every("panel settings", 2, func() error {
		_, err := s.UpdateSettings(ctx, coord.ID, panel.ID, identity.SettingsInput{ModeratorsRequired: &three})
		return err
	})
	var group identity.Group
	every("a group", 2, func() (err error) {
		group, err = s.CreateGroup(ctx, coord.ID, panel.ID, "Groupe A")
		return err
	})
	var invToken string
	every("an invitation", 2, func() (err error) {
		_, invToken, err = s.Invite(ctx, coord.ID, identity.InviteInput{Email: "lea@example.org", Role: identity.Youth, PanelID: panel.ID, GroupID: group.ID})
		return err
	})
	var lea identity.Account
	every("accepting it", 5, func() (err error) {
		lea, _, err = s.AcceptInvitation(ctx, identity.AcceptInput{Token: invToken, DisplayName: "Léa", PasswordHash: "h", BirthDate: "2013-05-01", Country: "FR"})
		return err
	})
	every("a language change", 2, func() error { _, err := s.SetLanguage(ctx, lea.ID, "de"); return err })
	every("a password change", 2, func() error { return s.SetPasswordHash(ctx, lea.ID, "h2") })
	every("erasing the account", 3, func() error { return s.EraseAccount(ctx, lea.ID) })
	if ms, err := s.Memberships(ctx, lea.ID); err != nil || len(ms) != 0 {
		t.Errorf("memberships after erasure: %+v, %v", ms, err)
	}
}
