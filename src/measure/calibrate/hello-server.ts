/**
 * The reference unit's server: Fastify's "hello world", the route every Fastify benchmark measures.
 * It runs as a child process (see hello.ts) so its CPU is measured apart from the load generator's.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ port: (app.server.address() as AddressInfo).port });
// The parent going away, however it goes, ends this process.
process.on('disconnect', () => process.exit(0));
