// A TCP proxy in front of the server for one browser, whose "cable" can be
// pulled: cut() drops every open connection (the page's /ws socket closes,
// keep-alive HTTP connections reset) and refuses new ones until restore().
// The other browsers keep talking to the server directly.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CutProxy {
  /** Base URL through the proxy, e.g. http://127.0.0.1:41235. */
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<free port> to the server at targetUrl (http://127.0.0.1:PORT). */
export async function startCutProxy(targetUrl: string): Promise<CutProxy> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    close() {
      for (const s of open) s.destroy();
      open.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
