// Reads cases {doc, a, b, cursors} as JSON lines on stdin and writes, per
// case, what ot-text-unicode (the browser's implementation) makes of them.
// Used by the Go package's differential test: argv[2] is the package dir.
const { type } = require(process.argv[2]);
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const out = [];
for (const line of lines) {
  const { doc, a, b, cursors } = JSON.parse(line);
  const r = {};
  try {
    r.applyA = type.apply(doc, a);
    r.applyB = type.apply(doc, b);
    r.aLeft = type.transform(a, b, 'left');
    r.aRight = type.transform(a, b, 'right');
    r.bLeft = type.transform(b, a, 'left');
    r.bRight = type.transform(b, a, 'right');
    r.compose = type.compose(a, r.bRight);
    r.composed = type.apply(doc, r.compose);
    r.positions = cursors.map((c) => type.transformPosition(c, a));
    r.invertible = type.isInvertible(a);
    if (r.invertible) r.inverse = type.invert(a);
    r.normalized = type.normalize(split(a));
  } catch (e) {
    r.error = String(e && e.message);
  }
  out.push(JSON.stringify(r));
}
process.stdout.write(out.join('\n') + '\n');

// The same cut as split in differential_test.go.
function split(op) {
  const out = [];
  const cps = (s) => Array.from(s);
  for (const c of op) {
    if (typeof c === 'number' && c > 1) out.push(1, c - 1);
    else if (typeof c === 'string' && cps(c).length > 1) out.push(cps(c)[0], cps(c).slice(1).join(''));
    else if (typeof c === 'object' && typeof c.d === 'number' && c.d > 1) out.push({ d: 1 }, { d: c.d - 1 });
    else if (typeof c === 'object' && typeof c.d === 'string' && cps(c.d).length > 1) out.push({ d: cps(c.d)[0] }, { d: cps(c.d).slice(1).join('') });
    else out.push(c);
  }
  out.push(2);
  return out;
}
