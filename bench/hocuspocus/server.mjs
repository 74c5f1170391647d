// A plain Hocuspocus server (Yjs), in memory, no extensions: the peer of
// Chorus in make bench's co-editing rows. It keeps nothing: documents live
// in this process only. Prints "listening <port>" once it accepts sockets.
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[2] ?? 0);
const server = new Server({ port, address: '127.0.0.1', quiet: true });
await server.listen();
console.log(`listening ${server.address.port}`);
