/**
 * The dashboard page and every asset it loads, served by the service itself
 * from its own files and the npm packages: no CDN, it works offline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC_DIR } from '../../paths.ts';

const require = createRequire(import.meta.url);
/** The packages export only their modules; their browser builds sit beside them in build/. */
const build = (pkg: string, file: string) => join(dirname(require.resolve(pkg)), file);
/** Assets by public name: the page's own, and the Vega builds the page embeds with. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'app.js': { file: join(PUBLIC_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  'app.css': { file: join(PUBLIC_DIR, 'app.css'), type: 'text/css; charset=utf-8' },
  'vega.min.js': { file: build('vega', 'vega.min.js'), type: 'text/javascript; charset=utf-8' },
  'vega-lite.min.js': { file: build('vega-lite', 'vega-lite.min.js'), type: 'text/javascript; charset=utf-8' },
  'vega-embed.min.js': { file: build('vega-embed', 'vega-embed.min.js'), type: 'text/javascript; charset=utf-8' },
};
/** Browsers may keep assets this long; a new release changes the page that names them. */
const ASSET_MAX_AGE_SECONDS = 3600;

const routes: FastifyPluginAsync = async (app) => {
  const page = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.file), type: a.type }]));

  app.get('/', { config: { access: 'read' }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get<{ Params: { name: string } }>('/assets/:name', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (asset === undefined) return reply.callNotFound();
    return reply.type(asset.type).header('cache-control', `public, max-age=${ASSET_MAX_AGE_SECONDS}`).send(asset.body);
  });
};

export default routes;
