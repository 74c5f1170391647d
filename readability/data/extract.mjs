// Extracts the first 5,000 words of each @zxcvbn-ts language package's
// frequency-ordered commonWords.json into <lang>.txt, one per line, lower case.
//
//   dir=$(mktemp -d)
//   npm install --prefix "$dir" @zxcvbn-ts/language-en@4.1.1 @zxcvbn-ts/language-fr@4.1.2 @zxcvbn-ts/language-de@3.0.2
//   node readability/data/extract.mjs "$dir/node_modules" readability/data
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [modules, out] = process.argv.slice(2);
const word = /^\p{L}+(?:[-']\p{L}+)*$/u;
for (const lang of ['en', 'fr', 'de']) {
  const list = JSON.parse(readFileSync(join(modules, '@zxcvbn-ts', `language-${lang}`, 'src', 'commonWords.json'), 'utf8'));
  const seen = new Set();
  for (const entry of list) {
    // Subtitle tokenisation splits clitics ("'s", "l'", "aujourd'"): keep the letters.
    const w = entry.normalize('NFC').toLowerCase().replace(/\u2019/g, "'").replace(/^'+|'+$/g, '');
    if (!word.test(w) || seen.has(w)) continue; // numbers, "mr.", "board.tv4user.de"
    seen.add(w);
    if (seen.size === 5000) break;
  }
  writeFileSync(join(out, `${lang}.txt`), [...seen].join('\n') + '\n');
}
