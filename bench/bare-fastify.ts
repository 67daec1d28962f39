/** The yardstick: a bare Fastify app with one JSON route, nothing else. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/json', async () => ({ hello: 'world', figures: [1, 2, 3] }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
