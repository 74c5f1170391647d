// The co-editing workload of make bench against a Hocuspocus server (Yjs),
// as bench/realtime/coedit.go runs it against Chorus: N authors, each on
// its own socket, on one shared text, N ÷ interval edits a second in all;
// each edit inserts a unique marker at a marker boundary or, while the
// text is longer than textLen, deletes one or two whole markers. Latency is
// per inserted marker, from the author's change until the last other
// author's socket has it. Afterwards: do all documents hold the same text,
// is every marker nobody deleted there exactly once and intact, did a
// deleted one come back. Prints one JSON line.
//
// Who does what, so that the load generator is not what is measured: a
// Yjs author needs a Y.Doc that applies every update to make its own, and
// hundreds of those on two cores are the bottleneck (from 200 authors the
// first version asked a quarter to a half of the edits). So EDITORS of
// the N sockets (2, or one per 100 authors) hold a Y.Doc (a full @hocuspocus/provider)
// and make all the edits, each every interval × EDITORS ÷ N; the others
// observe: bench/realtime/hpobserve.go joins them to document DOC before
// this starts and spots the markers in the bytes of each update, as the
// editors do on theirs (protocol.mjs). For the server it is the same load:
// N sockets, the same edits a second, each update sent to every socket.
// One more socket, a full provider that edits nothing, holds the text the
// markers are checked in.
//
// The editors are spread over worker processes (this file again, with a
// part number), which share the monotonic clock (protocol.mjs clock, as
// the Go observers do) and report what they saw to this one. It prints
// "editing" and "edited" when the edits begin and end, then the result:
// when each marker was sent and how many editors' sockets got it when
// (the Go side adds its observers' and works out the latency, from the
// first 10 % on), and what became of the markers.
//
//   DOC=name EDITORS=n node loadgen.mjs ws://127.0.0.1:PORT authors intervalMs durationMs textLen
import { fork } from 'node:child_process';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { clock, updateOf } from './protocol.mjs';

const [url, authorsArg, intervalArg, durationArg, textLenArg, partArg, partsArg] = process.argv.slice(2);
const authors = Number(authorsArg);
const interval = Number(intervalArg);
const duration = Number(durationArg);
const textLen = Number(textLenArg);
const editors = Math.min(authors, Number(process.env.EDITORS ?? 2));
const marker = /\[[0-9a-z]+\.[0-9a-z]+\]/g;
if (partArg === undefined) await coordinate();
else await work(Number(partArg), Number(partsArg));

async function coordinate() {
  // One process per editor: each editor's Y.Doc applies every update.
  const parts = editors;
  const name = process.env.DOC ?? `pledge-${Date.now()}`;
  const workers = Array.from({ length: parts }, (_, p) =>
    fork(new URL(import.meta.url).pathname, [url, authorsArg, intervalArg, durationArg, textLenArg, String(p), String(parts)], { env: { ...process.env, DOC: name } }),
  );
  // Each worker says ready, inited, edited and report, in that order;
  // one may be a step ahead of another, so each has its queue.
  const queues = new Map(workers.map((w) => [w, { msgs: [], wait: null }]));
  for (const w of workers) {
    w.on('message', (m) => {
      const q = queues.get(w);
      if (q.wait) {
        const resolve = q.wait;
        q.wait = null;
        resolve(m);
      } else q.msgs.push(m);
    });
  }
  const next = (w) =>
    new Promise((resolve) => {
      const q = queues.get(w);
      if (q.msgs.length) resolve(q.msgs.shift());
      else q.wait = resolve;
    });
  await Promise.all(workers.map((w) => next(w)));
  const initial = Array.from({ length: Math.ceil(textLen / 8) }, (_, k) => `[init.${k.toString(36)}]`).join('');
  workers[0].send({ type: 'init', text: initial });
  for (const w of workers) w.send({ type: 'expect', length: initial.length });
  await Promise.all(workers.map((w) => next(w)));
  const start = clock() + 200;
  for (const w of workers) w.send({ type: 'start', start });
  // Phases on stdout, for whoever measures the server meanwhile.
  setTimeout(() => process.stdout.write('editing\n'), Math.max(0, start - clock()));
  await Promise.all(workers.map((w) => next(w))); // edited
  process.stdout.write('edited\n');
  const reports = await Promise.all(workers.map((w) => next(w)));
  for (const w of workers) w.send({ type: 'exit' });

  const sentAt = new Map();
  const seen = new Map();
  const inserted = new Set(initial.match(marker));
  const deleted = new Set();
  let asked = 0;
  let cpu = 0;
  let busy = 0;
  const texts = [];
  for (const r of reports) {
    for (const [m, at] of r.sentAt) sentAt.set(m, at);
    for (const [m, s] of r.seen) {
      const t = seen.get(m) ?? { n: 0, last: 0 };
      t.n += s.n;
      t.last = Math.max(t.last, s.last);
      seen.set(m, t);
    }
    for (const m of r.inserted) inserted.add(m);
    for (const m of r.deleted) deleted.add(m);
    asked += r.asked;
    cpu += r.cpuCores;
    busy = Math.max(busy, r.busy);
    texts.push(...r.texts);
  }
  const final = reports[0].full; // the full observer's
  const count = new Map();
  for (const m of final.match(marker) ?? []) count.set(m, (count.get(m) ?? 0) + 1);
  let kept = 0;
  let intact = 0;
  let back = 0;
  for (const m of inserted) {
    if (deleted.has(m)) {
      if (count.has(m)) back++;
    } else {
      kept++;
      if (count.get(m) === 1) intact++;
    }
  }
  const result = {
    authors,
    editors,
    workers: parts,
    start,
    duration,
    asked,
    rate: asked / (busy / 1000),
    sentAt: Object.fromEntries(sentAt),
    seen: Object.fromEntries(seen),
    deleted: [...deleted],
    converged: reports.every((r) => r.quiet) && texts.every((t) => t === final),
    scrambled: final.replace(marker, '').length,
    kept,
    intact,
    back,
    cpuCores: cpu,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function work(part, parts) {
  const name = process.env.DOC;
  let seed = 7 + part;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const sentAt = new Map();
  const seen = new Map();
  const inserted = new Set();
  const deleted = new Set();
  const inbox = [];
  const waiters = [];
  process.on('message', (m) => {
    const w = waiters.findIndex((x) => x.type === m.type);
    if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
    else inbox.push(m);
  });
  const message = (type) =>
    new Promise((resolve) => {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) resolve(inbox.splice(i, 1)[0]);
      else waiters.push({ type, resolve });
    });
  let lastMessage = clock();
  // observe notes the markers of others in one message that socket i got.
  const observe = (i, data) => {
    const at = clock();
    lastMessage = at;
    const update = updateOf(data);
    if (update === null) return;
    const own = `[${i.toString(36)}.`;
    for (const m of update.match(marker) ?? []) {
      if (m.startsWith(own)) continue;
      const s = seen.get(m) ?? { n: 0, last: 0 };
      s.n++;
      s.last = at;
      seen.set(m, s);
    }
  };
  // A full provider and Y.Doc; its socket's messages are observed too
  // (i < 0: the full observer, whose arrivals do not count).
  const fullAuthor = (i) => {
    const doc = new Y.Doc();
    class Observed extends WebSocket {
      constructor(...args) {
        super(...args);
        if (i >= 0) this.on('message', (data) => observe(i, data));
      }
    }
    const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: Observed });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc });
    const synced = new Promise((resolve) => provider.on('synced', resolve));
    provider.attach(); // a provider given its own socket joins it only when attached
    return { i, text: doc.getText('text'), provider, socket, synced, next: 0 };
  };
  const list = [];
  for (let i = part; i < editors; i += parts) list.push(fullAuthor(i));
  const full = part === 0 ? fullAuthor(-1) : null;
  const docs = full ? [...list, full] : list;
  await Promise.all(docs.map((a) => a.synced));
  process.send({ type: 'ready' });
  const expect = message('expect');
  if (full) full.text.insert(0, (await message('init')).text);
  const { length } = await expect;
  await waitFor(() => docs.every((a) => a.text.length === length), 30_000);
  process.send({ type: 'inited' });
  const { start } = await message('start');
  await sleep(start - clock());
  const cpu0 = process.cpuUsage();
  const end = start + duration;
  const every = (interval * editors) / authors; // all editors together: authors ÷ interval edits a second
  let asked = 0;
  // The text is markers only, so the first '[' at or after a place is a
  // marker boundary. Looking for one there rather than listing every
  // marker of the text at each edit (which took 28 % of an editor's time
  // at 400 authors, its editors then fell behind).
  const edit = (a) => {
    const t = a.text.toString();
    const boundary = (from) => {
      const i = t.indexOf('[', from);
      return i < 0 ? t.length : i;
    };
    if (t.length > textLen) {
      const from = boundary(Math.floor(random() * t.length));
      let to = from;
      for (let n = 1 + Math.floor(random() * 2); n > 0 && to < t.length; n--) {
        const end = t.indexOf(']', to);
        if (end < 0) break;
        to = end + 1;
      }
      if (to > from) {
        for (const m of t.slice(from, to).match(marker) ?? []) deleted.add(m);
        a.text.delete(from, to - from);
        return;
      }
    }
    const m = `[${a.i.toString(36)}.${(a.next++).toString(36)}]`;
    inserted.add(m);
    sentAt.set(m, clock());
    a.text.insert(boundary(Math.floor(random() * (t.length + 1))), m);
  };
  await Promise.all(
    list.map(async (a) => {
      let next = start + random() * every;
      for (;;) {
        await sleep(next - clock());
        // Every edit due by now, without waiting for the event loop again
        // (on a busy machine it comes back late), on the editor's own
        // clock: a late wake-up does not lower the rate asked.
        while (next <= clock()) {
          if (clock() >= end) return;
          edit(a);
          asked++;
          next += every * (0.8 + 0.4 * random());
        }
      }
    }),
  );
  const busy = clock() - start;
  const cpu = process.cpuUsage(cpu0);
  process.send({ type: 'edited' });
  // Quiet: no message for a second, and every document here on one text.
  const quiet = await waitFor(() => clock() - lastMessage > 1000 && docs.every((a) => a.text.toString() === docs[0].text.toString()), 60_000);
  process.send({
    type: 'report',
    sentAt: [...sentAt],
    seen: [...seen],
    inserted: [...inserted],
    deleted: [...deleted],
    asked,
    busy,
    cpuCores: (cpu.user + cpu.system) / 1000 / busy,
    quiet,
    texts: docs.map((a) => a.text.toString()),
    full: full?.text.toString(),
  });
  await message('exit');
  for (const a of docs) {
    a.provider.destroy();
    a.socket.destroy();
  }
  process.exit(0);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

async function waitFor(cond, limit) {
  const until = clock() + limit;
  while (clock() < until) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}
