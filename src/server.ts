/** Build, listen, shut down gracefully. Nothing else lives here. */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { loadDemo } from './services/demo.ts';

/** In-flight requests get this long to finish on SIGTERM before the process exits. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp({ config });

  await app.ready();
  const lease = app.services.lease;
  if (process.argv.includes('--demo') && lease !== null && (await lease.route()).kind !== 'self') {
    app.log.warn('--demo: another instance writes to this store; load the demo through that one');
  } else if (process.argv.includes('--demo')) {
    const loaded = await loadDemo(app.services.ingest);
    app.log.info(loaded, 'loaded the SYNTHETIC demo dataset (posted by "synthetic-demo"; not official figures)');
  }

  closeWithGrace({ delay: SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ port: config.PORT, host: config.HOST });
  // Loading the renderers costs a core for a second or more: at start, not during the first request for a workbook.
  app.services.render.warm();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`cannot start: ${error.message}`);
  else console.error('cannot start:', error);
  process.exit(1);
});
