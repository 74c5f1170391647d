// Just enough of the Hocuspocus protocol (y-protocols sync inside
// Hocuspocus's framing) to spot, in each update the server broadcasts, the
// markers the authors inserted (the Go observers, bench/realtime/hpobserve.go,
// read it the same way). Yjs writes an inserted string into the update as UTF-8
// (protocol.test.mjs checks it, merged updates included), so a marker shows
// in the bytes as it was typed; applying every update to a Y.Doc per
// observer would make the load generator, not the server, what is measured.
//
// A message is varString(document) varUint(type) ...; type 2 (auth)
// carries varUint(0 = token) varString(token); type 0 (sync) carries
// varUint(0 = step 1, 1 = step 2, 2 = update) varUint8Array(payload).

/**
 * Milliseconds on a clock every process of a run shares, the Go observers
 * too (bench/realtime/hpobserve.go monoMicros; TestNodeAndGoShareTheClock):
 * CLOCK_MONOTONIC, libuv's hrtime. Not the wall clock: on this machine it
 * ran 0.5 % faster than the monotonic one, and performance.timeOrigin +
 * performance.now() is the wall clock at start plus monotonic time since,
 * so two processes drifted apart by tens of ms over a run.
 */
export const clock = () => Number(process.hrtime.bigint()) / 1e6;

/** Reads a varUint at offset; returns [value, next offset] (NaN past the end). */
function readVarUint(buf, at) {
  let n = 0;
  let mult = 1;
  for (;;) {
    if (!(at < buf.length)) return [NaN, at];
    const b = buf[at++];
    n += (b & 0x7f) * mult;
    if (b < 0x80) return [n, at];
    mult *= 128;
  }
}

/**
 * The document update a message carries (sync step 2 or update), as a
 * latin1 string of its bytes (a marker is ASCII, so it reads as typed), or
 * null for any other message. data is what a ws socket hands over: a
 * Buffer, or an ArrayBuffer where binaryType says so (the provider's).
 */
export function updateOf(data) {
  const buf = data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  let [len, at] = readVarUint(buf, 0);
  at += len; // the document's name
  let type;
  [type, at] = readVarUint(buf, at);
  if (type !== 0) return null;
  let step;
  [step, at] = readVarUint(buf, at);
  if (step !== 1 && step !== 2) return null;
  [len, at] = readVarUint(buf, at);
  if (!(at + len <= buf.length)) return null;
  return Buffer.from(buf.buffer, buf.byteOffset + at, len).toString('latin1');
}
