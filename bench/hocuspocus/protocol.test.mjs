// node --test bench/hocuspocus/ : what the observers of loadgen.mjs and
// bench/realtime/hpobserve.go rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { updateOf } from './protocol.mjs';

const marker = /\[[0-9a-z]+\.[0-9a-z]+\]/g;

test('an inserted string is in the update as UTF-8, alone or merged with others', () => {
  const doc = new Y.Doc();
  const updates = [];
  doc.on('update', (u) => updates.push(u));
  const text = doc.getText('text');
  text.insert(0, '[a.1][a.2]');
  text.insert(5, '[b.1]');
  text.delete(0, 5);
  text.insert(0, 'é[c.1]');
  const one = Buffer.from(updates[1]).toString('latin1');
  assert.deepEqual(one.match(marker), ['[b.1]']);
  assert.ok(Buffer.from(updates[3]).includes(Buffer.from('é[c.1]', 'utf8')));
  const merged = Buffer.from(Y.mergeUpdates(updates)).toString('latin1');
  for (const m of ['[a.2]', '[b.1]', '[c.1]']) assert.ok(merged.includes(m), m);
  // A delete carries ids, never the text it deleted.
  assert.equal(Buffer.from(updates[2]).toString('latin1').match(marker), null);
});

test('updateOf reads a Buffer or an ArrayBuffer, and nothing past the end', () => {
  const doc = new Y.Doc();
  let update;
  doc.on('update', (u) => (update = u));
  doc.getText('text').insert(0, '[a.1]');
  const msg = [4, ...Buffer.from('docs'), 0, 2, ...(update.length < 128 ? [update.length] : [(update.length & 0x7f) | 0x80, update.length >> 7]), ...update];
  const buf = Buffer.from(msg);
  assert.equal(updateOf(buf).match(marker)[0], '[a.1]');
  const ab = Uint8Array.from(msg).buffer; // what a provider's socket hands over (binaryType arraybuffer)
  assert.equal(updateOf(ab).match(marker)[0], '[a.1]');
  assert.equal(updateOf(buf.subarray(0, buf.length - 1)), null); // cut short
  assert.equal(updateOf(Buffer.from([0xff])), null);
  assert.equal(updateOf(Buffer.from([4, ...Buffer.from('docs'), 8, 1])), null); // sync status
});
