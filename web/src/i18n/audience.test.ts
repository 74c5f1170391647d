// Who each text speaks to, and whether its register fits (issue 15): young
// people are addressed informally (tu, du, tu, tú), guardians and staff
// formally (vous, Sie, Lei, usted), and texts that everyone reads (errors,
// forms, sign-in, the footer) address nobody in particular. Every key falls
// under one rule below, so a new key gets an audience by its name.
import { describe, expect, it } from 'vitest';
import { catalogueOf, catalogues, languages } from '.';

type Audience = 'adult' | 'youth' | 'everyone';

/** Key prefixes of screens for guardians and staff: formal. */
const adult = [
  'guardianPage.', 'manage.', 'guardian.state.', 'queue.', 'case.', 'audit.', 'auditAction.', 'auditSetting.', 'caseEntry.', 'caseKind.', 'caseStatus.',
  'category.', 'action.', 'band.', 'panels.', 'panel.', 'invitations.', 'org.', 'outbox.', 'setup.', 'settings.', 'staffHome.', 'partnerHome.',
  'session.answer', 'sessions.leadStaff', 'sessions.leadAdult', 'sessions.schedule', 'sessions.title', 'sessions.when', 'sessions.partnersLegend',
  'sessions.partnersNone', 'sessions.openNew', 'sessions.forbiddenHint', 'sessions.backToPanel',
  'heldComment.explainModerator', 'heldComment.hiddenModerator', 'heldComment.openCase', 'heldAmendment.explainModerator', 'heldAmendment.hiddenModerator',
  'invite.emailLabel', 'screenWords.', 'roundPartner.', 'roundStaff.', 'roundOpen.', 'deletionRequests.', 'memberConsents.', 'videoStaff.',
];
/** Key prefixes of screens for young people: informal. */
const youth = [
  'home.', 'about.', 'consent.', 'missing.', 'history.', 'guardian.', 'guardianStatus.', 'group.', 'watchers.', 'pledge.', 'pledgeList.', 'pledges.',
  'pledgeState.', 'heldComment.', 'heldAmendment.', 'itemScreen.', 'readability.', 'live.', 'report.', 'sessions.', 'session.', 'videos.', 'rounds.', 'script.',
  'youthHome.', 'roundYouth.', 'me.ready', 'me.goToGroup', 'invite.leadYouth', 'invite.whyBirthDate', 'form.nameHintYouth', 'form.birthDate', 'form.countryHint', 'form.error.birthDate', 'help.',
];

export function audienceOf(key: string): Audience {
  if (adult.some((p) => key.startsWith(p))) return 'adult';
  if (youth.some((p) => key.startsWith(p))) return 'youth';
  return 'everyone';
}

// Words that address the reader. Imperatives without a pronoun are listed
// for French and German ("Saisis", "Gib"): they are the usual slip.
/** Matches any of words as a whole word (JavaScript's \\b knows no accented letters). */
const words = (list: string, flags = 'u') => new RegExp(`(?<![\\p{L}'’-])(?:${list})(?![\\p{L}])`, flags);
/** Matches a sentence starting with one of words. */
const starts = (list: string) => new RegExp(`^(?:${list})(?![\\p{L}])`, 'u');

const informal: Record<string, RegExp[]> = {
  fr: [words('tu|te|toi|ton|ta|tes|Tu|Te|Toi|Ton|Ta|Tes'), /(?<![\p{L}])[tT]['’]/u, /-toi(?![\p{L}])/u,
    starts('Saisis|Choisis|Écris|Appelle|Vérifie|Réessaie|Recharge|Indique|Remplis|Utilise|Entre|Tape|Demande|Donne|Ouvre|Envoie|Clique|Attends|Essaie|Garde|Reviens|Va|Parle|Coche|Lis|Retourne')],
  de: [words('du|dich|dir|dein\\p{L}*|Du|Dich|Dir|Dein\\p{L}*'),
    starts('Gib|Wähle|Schreib|Schreibe|Prüfe|Versuche|Öffne|Lade|Melde|Gehe|Geh|Ruf|Rufe|Nimm|Sag|Sage|Frag|Frage|Warte|Komm|Tippe|Lies|Klicke|Nutze|Benutze|Sieh|Schau')],
  it: [words('tu|ti|tuo|tua|tuoi|tue|Tu|Ti|Tuo|Tua|Tuoi|Tue')],
  es: [words('tú|te|tu|tus|ti|contigo|Tú|Te|Tu|Tus|Ti|Contigo')],
};
const formal: Record<string, RegExp[]> = {
  fr: [words('vous|votre|vos|Vous|Votre|Vos'), /^\p{L}+ez(?![\p{L}])/u],
  // "Sie" starting a sentence may be "they": only the forms inside one count, and "…en Sie" at the start.
  de: [/.(?<![\p{L}])(?:Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)(?![\p{L}])/u, /^\p{L}+en Sie(?![\p{L}])/u],
  it: [words('Lei|Suo|Sua|Suoi|Sue')],
  es: [words('usted|ustedes|Usted|Ustedes')],
};

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?:])\s+/u);
}

describe('catalogue register by audience', () => {
  const keys = Object.keys(catalogues.en);
  it('sorts keys into all three audiences (the rules still match the catalogue)', () => {
    const seen = new Set(keys.map(audienceOf));
    expect([...seen].sort()).toEqual(['adult', 'everyone', 'youth']);
  });

  for (const lang of languages.filter((l) => informal[l])) {
    it(`${lang}: guardians and staff formally, young people informally, everyone without "you"`, () => {
      const wrong: string[] = [];
      for (const key of keys) {
        const text = catalogueOf(lang)[key] ?? '';
        const isInformal = sentences(text).some((s) => (informal[lang] ?? []).some((r) => r.test(s)));
        const isFormal = sentences(text).some((s) => (formal[lang] ?? []).some((r) => r.test(s)));
        const audience = audienceOf(key);
        if (audience !== 'youth' && isInformal) wrong.push(`${key} (${audience}) is informal: ${text}`);
        if (audience !== 'adult' && isFormal) wrong.push(`${key} (${audience}) is formal: ${text}`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it('knows the register of every language Chorus speaks but English', () => {
    expect(languages.filter((l) => l !== 'en' && !(informal[l] && formal[l]))).toEqual([]);
  });
});
