// Starts the real Chorus server binary for browser tests: CHORUS_BIN, a free
// port, a fresh data directory, its mail going to a loopback SMTP sink (or
// kept in the outbox, when asked), and a wait for GET /healthz = 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink, type MailSink } from './mailSink';

export interface ChorusServer {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  /** Where its mail goes; null when it keeps mail in its outbox. */
  mail: MailSink | null;
  stop(): Promise<void>;
}

const healthTimeoutMs = 30_000;

/** Returns the server binary named by CHORUS_BIN, or throws a clear error. */
export function chorusBinary(): string {
  const bin = process.env.CHORUS_BIN;
  if (!bin) {
    throw new Error(
      'CHORUS_BIN is not set. Build the server (cd /work/main && go build -o bin/chorus ./server) ' +
        'and run: CHORUS_BIN=$PWD/../bin/chorus npm run test:browser',
    );
  }
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`CHORUS_BIN=${bin}: no executable file there. Build the server first.`);
  }
  return bin;
}

// A port free on every interface: the server listens on ":PORT", so a port
// free on 127.0.0.1 alone may still be taken on another address.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// Resolves once the child has exited and its output is all read: 'exit'
// can come before the last of stderr (the reason it stopped), 'close' not.
function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('close', () => resolve()));
}

/**
 * Starts CHORUS_BIN (with args: ["demo"] seeds the sample workspace, whose
 * mail stays in the outbox) and resolves once /healthz answers 200. Other
 * servers send their mail to a test SMTP sink, unless opts.outbox. A free port can
 * be taken by another process between probing and binding (test files run in
 * parallel), so a start that fails with "address already in use" is tried
 * again on a new port.
 */
export async function startChorus(args: readonly string[] = [], opts: { outbox?: boolean } = {}): Promise<ChorusServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(args, opts.outbox ?? args[0] === 'demo');
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('address already in use')) throw error;
    }
  }
}

async function startOnce(args: readonly string[], outbox: boolean): Promise<ChorusServer> {
  const bin = chorusBinary();
  // The mail sink first: its own listen(0) cannot then take the server's
  // port between probing and spawning.
  const mail = outbox ? null : await startMailSink();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'chorus-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let log = ''; // stdout (JSON logs) and stderr, interleaved
  let stderr = ''; // why it stopped, when it does
  const child = spawn(bin, [...args], {
    env: { ...process.env, PORT: String(port), CHORUS_DATA_DIR: dataDir, SMTP_URL: mail?.url ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    stderr += chunk.toString();
  });
  let ended = false;
  const done = closed(child).then(() => {
    ended = true;
  });

  const stop = async () => {
    if (!ended) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    await mail?.close();
  };

  const deadline = Date.now() + healthTimeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (ended) {
      await stop();
      throw new Error(
        `${bin} on port ${port} exited (${child.exitCode ?? child.signalCode}) before /healthz answered; ` +
          `its stderr:\n${stderr || '(nothing)'}\nall it wrote:\n${log}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return { url, output: () => log, mail, stop };
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${bin}: GET /healthz did not answer 200 within ${healthTimeoutMs / 1000} s (${last}):\n${log}`);
}
