package screening

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// Languages are the languages with a built-in word list, measured each.
var Languages = []string{"en", "fr", "de"}

// prose is what young people write under a pledge item: opinions, a few
// numbers (ages, counts, years), nothing to hold.
var prose = map[string][]string{
	"en": {
		"I think the rules should fit on one screen, not 12 pages that nobody reads.",
		"When I was 13 I clicked yes to everything because the button was bigger.",
		"Apps should tell us in plain words what they do with our photos and messages.",
		"Maybe we add a line about turning off location by default?",
		"In our group 7 out of 10 people said they never read the privacy policy.",
		"I like this point, but the word consent is hard for younger kids.",
		"Could we ask for a report button that works in 2 taps at most?",
		"My little brother is 9 and already has three games with chat in them.",
		"It should be as easy to delete an account as it is to make one.",
		"Adults should check that the settings stay safe after every update.",
		"We talked about this for about 40 minutes and mostly agreed.",
		"Nobody should be shown ads based on what they looked at when they were sad.",
		"I would change 'users' to 'young people', it feels more like us.",
		"The second part is good, the first one still sounds like a lawyer wrote it.",
		"Last year in 2025 our school made a guide, maybe we can reuse some of it.",
		"Streaks and timers make me stay online longer than I want, that is point 3 for me.",
	},
	"fr": {
		"Je pense que les règles devraient tenir sur un écran, pas sur 12 pages que personne ne lit.",
		"À 13 ans, je cliquais sur oui partout parce que le bouton était plus gros.",
		"Les applis devraient dire avec des mots simples ce qu’elles font de nos photos.",
		"On pourrait ajouter une ligne pour couper la localisation par défaut ?",
		"Dans notre groupe, 7 personnes sur 10 n’ont jamais lu la politique de confidentialité.",
		"J’aime bien ce point, mais le mot consentement est difficile pour les plus jeunes.",
		"Est-ce qu’on peut demander un bouton de signalement qui marche en 2 clics maximum ?",
		"Mon petit frère a 9 ans et il a déjà trois jeux avec une messagerie dedans.",
		"Supprimer un compte devrait être aussi simple que d’en créer un.",
		"Les adultes devraient vérifier que les réglages restent sûrs après chaque mise à jour.",
		"On en a parlé pendant environ 40 minutes et on était plutôt d’accord.",
		"Personne ne devrait voir de pubs selon ce qu’il a regardé quand il était triste.",
		"Je changerais « utilisateurs » par « jeunes », ça nous ressemble plus.",
		"La deuxième partie est bien, la première sonne encore comme un texte d’avocat.",
		"En 2025, notre collège a fait un guide, on peut peut-être en reprendre une partie.",
		"Les séries et les minuteurs me font rester en ligne plus longtemps que je veux, c’est mon point 3.",
	},
	"de": {
		"Ich finde, die Regeln sollten auf einen Bildschirm passen, nicht auf 12 Seiten, die keiner liest.",
		"Mit 13 habe ich überall auf Ja geklickt, weil der Knopf größer war.",
		"Apps sollten in einfachen Worten sagen, was sie mit unseren Fotos machen.",
		"Vielleicht ergänzen wir eine Zeile, dass der Standort am Anfang aus ist?",
		"In unserer Gruppe haben 7 von 10 Leuten die Datenschutzerklärung nie gelesen.",
		"Der Punkt gefällt mir, aber das Wort Einwilligung ist für Jüngere schwer.",
		"Können wir einen Melden-Knopf fordern, der mit höchstens 2 Klicks geht?",
		"Mein kleiner Bruder ist 9 und hat schon drei Spiele mit Chat.",
		"Ein Konto zu löschen sollte so leicht sein wie eines anzulegen.",
		"Erwachsene sollten prüfen, dass die Einstellungen nach jedem Update sicher bleiben.",
		"Wir haben ungefähr 40 Minuten darüber geredet und waren uns meistens einig.",
		"Niemand sollte Werbung sehen, nur weil er sich etwas angeschaut hat, als er traurig war.",
		"Ich würde „Nutzer“ durch „junge Menschen“ ersetzen, das passt besser zu uns.",
		"Der zweite Teil ist gut, der erste klingt noch, als hätte ihn ein Anwalt geschrieben.",
		"Im Jahr 2025 hat unsere Schule einen Leitfaden gemacht, vielleicht können wir davon etwas nehmen.",
		"Serien und Timer halten mich länger online, als ich will, das ist für mich Punkt 3.",
	},
}

// planted are sentences that share personal data, one hit each: an e-mail
// address, a phone number, a link, a street address, a handle.
var planted = map[string][]string{
	"en": {
		"You can mail me at sam.martin@example.org if you want to help.",
		"Call me on +44 7700 900123 after school.",
		"Our draft is at https://example.org/pledges/plain-words for now.",
		"We could meet at 221b Baker Street on Saturday.",
		"Follow @sam_draws for the posters we made.",
	},
	"fr": {
		"Écrivez-moi à lea.dubois@exemple.fr si vous voulez aider.",
		"Appelez-moi au 06 12 34 56 78 après les cours.",
		"Notre brouillon est sur https://exemple.fr/charte pour l’instant.",
		"On peut se retrouver au 12 rue de la Paix samedi.",
		"Suivez @lea_dessine pour voir nos affiches.",
	},
	"de": {
		"Schreibt mir an jonas.weber@beispiel.de, wenn ihr helfen wollt.",
		"Ruft mich nach der Schule unter 0151 23456789 an.",
		"Unser Entwurf liegt gerade auf https://beispiel.de/versprechen.",
		"Wir können uns am Samstag in der Hauptstraße 5 treffen.",
		"Folgt @jonas_zeichnet für unsere Plakate.",
	},
}

// Text is one generated comment and the number of hits planted in it.
type Text struct {
	Body    string
	Planted int
}

// Texts returns n comments in lang of size bytes or a little less, the
// same for the same arguments. About one in five has one planted hit, one
// in twenty-five a second one.
func Texts(lang string, n, size int) []Text {
	h := fnv.New64a()
	h.Write([]byte(lang))
	r := rand.New(rand.NewPCG(h.Sum64(), uint64(size)))
	pool, hits := prose[lang], planted[lang]
	out := make([]Text, n)
	for i := range out {
		var plant []string
		if r.IntN(5) == 0 {
			plant = append(plant, hits[r.IntN(len(hits))])
			if r.IntN(5) == 0 {
				plant = append(plant, hits[r.IntN(len(hits))])
			}
		}
		// Room for the planted sentences first, then prose until the text
		// is full; the planted ones go in at random places.
		var sents []string
		room := size
		for _, p := range plant {
			room -= len(p) + 1
		}
		for used := 0; ; {
			s := pool[r.IntN(len(pool))]
			if used+len(s)+1 > room {
				break
			}
			sents, used = append(sents, s), used+len(s)+1
		}
		for _, p := range plant {
			at := r.IntN(len(sents) + 1)
			sents = append(sents[:at], append([]string{p}, sents[at:]...)...)
		}
		out[i] = Text{Body: strings.Join(sents, " "), Planted: len(plant)}
	}
	return out
}
