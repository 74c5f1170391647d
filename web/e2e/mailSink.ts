// An SMTP server on loopback for the browser tests: the server under test
// sends its mail here (SMTP_URL), and a test reads an invitation or guardian
// link the way its recipient would. The outbox shows no links (issue 9), so
// this is how the journeys follow them. It speaks just enough SMTP for
// Chorus's client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), offers no TLS
// and no AUTH, and decodes the text part of each message.
import { createServer, type Socket } from 'node:net';

export interface SunkMail {
  to: string[];
  /** The text/plain part, decoded (quoted-printable or base64), with LF line ends. */
  text: string;
}

export interface MailSink {
  /** smtp://127.0.0.1:port, for SMTP_URL. */
  url: string;
  messages(): SunkMail[];
  /** Waits for mail to `to` with a link whose path starts with `prefix`; returns the newest such path. */
  linkTo(to: string, prefix: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const maxMessageBytes = 10 << 20;

export async function startMailSink(): Promise<MailSink> {
  const received: SunkMail[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, (m) => received.push(m));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const linkTo = async (to: string, prefix: string, timeoutMs = 8_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const m of [...received].reverse()) {
        if (!m.to.includes(to.toLowerCase())) continue;
        for (const match of m.text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
          const path = new URL(match[0]).pathname;
          if (path.startsWith(prefix)) return path;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`no mail to ${to} with a ${prefix} link; received: ${received.map((m) => m.to.join(',')).join('; ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => [...received],
    linkTo,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One SMTP conversation; every accepted message goes to keep. */
function serve(socket: Socket, keep: (m: SunkMail) => void): void {
  let buffer = '';
  let inData = false;
  let data: string[] = [];
  let to: string[] = [];
  const reply = (line: string) => socket.write(line + '\r\n');
  reply('220 localhost ESMTP test sink');
  socket.setEncoding('latin1'); // bytes in, bytes out: decoding is per part
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > maxMessageBytes) {
      reply('552 message too large');
      socket.destroy();
      return;
    }
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (inData) {
        if (line === '.') {
          inData = false;
          keep({ to, text: textPart(data.join('\r\n')) });
          to = [];
          data = [];
          reply('250 kept');
        } else {
          data.push(line.startsWith('..') ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') reply('250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8');
      else if (verb === 'HELO' || verb === 'NOOP' || verb === 'MAIL') reply('250 ok');
      else if (verb === 'RSET') {
        to = [];
        reply('250 ok');
      } else if (verb === 'RCPT') {
        const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
        to.push(addr.toLowerCase());
        reply('250 ok');
      } else if (verb === 'DATA') {
        inData = true;
        reply('354 go ahead');
      } else if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
      } else reply('502 not implemented');
    }
  });
}

/** Splits a raw part into its headers (lower-case names, unfolded) and body. */
function splitPart(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at >= 0 ? raw.slice(0, at) : raw;
  const body = at >= 0 ? raw.slice(at + 4) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** The first text/plain part of a message (nested multiparts included), decoded. */
function textPart(raw: string): string {
  const { headers, body } = splitPart(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split('--' + boundary).slice(1)) {
      if (part.startsWith('--')) break;
      const text = textPart(part.replace(/^\r\n/, ''));
      if (text) return text;
    }
    return '';
  }
  if (!/^text\/plain/i.test(type)) return '';
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r\n/g, '');
    bytes = Buffer.from(soft.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  } else bytes = Buffer.from(body, 'latin1');
  return bytes.toString('utf8').replace(/\r\n/g, '\n');
}
