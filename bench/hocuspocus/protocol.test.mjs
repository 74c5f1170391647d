// node --test bench/hocuspocus/ : what the observers of loadgen.mjs rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '@hocuspocus/server';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { joinMessages, updateOf } from './protocol.mjs';

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

test('an observer that only reads the bytes sees what an author types', async () => {
  const server = new Server({ port: 0, address: '127.0.0.1', quiet: true });
  await server.listen();
  const url = `ws://127.0.0.1:${server.address.port}`;
  try {
    const seen = [];
    const observer = new WebSocket(url);
    observer.on('message', (data) => {
      const u = updateOf(data);
      if (u) seen.push(...(u.match(marker) ?? []));
    });
    await new Promise((resolve) => observer.on('open', resolve));
    for (const m of joinMessages('doc')) observer.send(m);

    const doc = new Y.Doc();
    const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: 'doc', document: doc });
    const synced = new Promise((resolve) => provider.on('synced', resolve));
    provider.attach();
    await synced;
    doc.getText('text').insert(0, '[a.1]');
    doc.getText('text').insert(5, '[a.2]');
    const until = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['[a.1]', '[a.2]']);
    provider.destroy();
    socket.destroy();
    observer.close();
  } finally {
    await server.destroy();
  }
});
