// The co-editing workload of make bench against a Hocuspocus server (Yjs),
// as bench/realtime/coedit.go runs it against Chorus: N authors, each on
// its own socket, on one shared text; every interval (±20 %) each author
// inserts a unique marker at a marker boundary or, while the text is longer
// than textLen, deletes one or two whole markers. Latency is per inserted
// marker, from the author's change until the last other author has it;
// the first 10 % of the run is warm-up. Afterwards: do all authors hold
// the same text, is every marker nobody deleted there exactly once and
// intact, did a deleted one come back. Prints one JSON line.
//
//   node loadgen.mjs ws://127.0.0.1:PORT authors intervalMs durationMs textLen
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';

const [url, authorsArg, intervalArg, durationArg, textLenArg] = process.argv.slice(2);
const authors = Number(authorsArg);
const interval = Number(intervalArg);
const duration = Number(durationArg);
const textLen = Number(textLenArg);
const marker = /\[[0-9a-z]+\.[0-9a-z]+\]/g;
const name = `pledge-${Date.now()}`;

let seed = 7;
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

const sentAt = new Map(); // marker -> ms
const seen = new Map(); // marker -> { n: others who have it, last: ms }
const inserted = new Set();
const deleted = new Set();

const epoch = performance.now();
const now = () => performance.now() - epoch;

function connect(i) {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc });
  const text = doc.getText('text');
  text.observe((ev) => {
    if (ev.transaction.local) return;
    const at = now();
    for (const d of ev.delta) {
      if (typeof d.insert !== 'string') continue;
      for (const m of d.insert.match(marker) ?? []) {
        const s = seen.get(m) ?? { n: 0, last: 0 };
        s.n++;
        s.last = at;
        seen.set(m, s);
      }
    }
  });
  const synced = new Promise((resolve) => provider.on('synced', resolve));
  provider.attach(); // a provider given its own socket joins it only when attached
  return { i, doc, text, provider, socket, synced, next: 0 };
}

const list = Array.from({ length: authors }, (_, i) => connect(i));
await Promise.all(list.map((a) => a.synced));
// The starting text, written by the first author.
const initial = Array.from({ length: Math.ceil(textLen / 8) }, (_, k) => `[init.${k.toString(36)}]`).join('');
for (const m of initial.match(marker)) inserted.add(m);
list[0].text.insert(0, initial);
await waitFor(() => list.every((a) => a.text.length === initial.length), 30_000);

const start = now();
const cpu0 = process.cpuUsage();
const warm = start + duration / 10;
const end = start + duration;
let asked = 0;
await Promise.all(
  list.map(async (a) => {
    await sleep(random() * interval);
    while (now() < end) {
      const t = a.text.toString();
      const units = [...t.matchAll(marker)];
      if (t.length > textLen && units.length > 1) {
        const k = Math.floor(random() * (units.length - 1));
        const n = 1 + Math.floor(random() * 2);
        const from = units[k].index;
        const last = units[Math.min(units.length - 1, k + n - 1)];
        for (const u of units.slice(k, k + n)) deleted.add(u[0]);
        a.text.delete(from, last.index + last[0].length - from);
      } else {
        const m = `[${a.i.toString(36)}.${(a.next++).toString(36)}]`;
        const k = Math.floor(random() * (units.length + 1));
        const at = k === units.length ? t.length : units[k].index;
        inserted.add(m);
        sentAt.set(m, now());
        a.text.insert(at, m);
      }
      asked++;
      await sleep(interval * (0.8 + 0.4 * random()));
    }
  }),
);
const took = now() - start;
// Quiet: everyone has everything.
const quiet = await waitFor(() => {
  const t0 = list[0].text.toString();
  return list.every((a) => a.text.toString() === t0);
}, 15_000);
const cpu = process.cpuUsage(cpu0);
const busy = now() - start;

const lat = [];
let complete = 0;
let incomplete = 0;
for (const [m, at] of sentAt) {
  if (at < warm) continue;
  const s = seen.get(m);
  if (s && s.n >= authors - 1) {
    complete++;
    lat.push(s.last - at);
  } else if (!deleted.has(m)) incomplete++;
}
lat.sort((x, y) => x - y);
const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : 0);

const final = list[0].text.toString();
const count = new Map();
for (const m of final.match(marker) ?? []) count.set(m, (count.get(m) ?? 0) + 1);
let kept = 0;
let intact = 0;
let back = 0;
for (const m of inserted) {
  if (deleted.has(m)) {
    if (count.has(m)) back++;
    continue;
  }
  kept++;
  if (count.get(m) === 1) intact++;
}
const result = {
  authors,
  edits: complete + incomplete,
  complete,
  incomplete,
  asked,
  rate: asked / (took / 1000),
  p50: pct(50),
  p95: pct(95),
  converged: quiet,
  scrambled: final.replace(marker, '').length,
  kept,
  intact,
  back,
  cpuCores: (cpu.user + cpu.system) / 1000 / busy,
};
process.stdout.write(JSON.stringify(result) + '\n');
for (const a of list) {
  a.provider.destroy();
  a.socket.destroy();
}
process.exit(0);

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor(cond, limit) {
  const until = now() + limit;
  while (now() < until) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}
