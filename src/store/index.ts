/** The store the configuration names. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { ADMIN_TOKEN_FILE, modeChangeText, privateDataDir, SQLITE_COMPANIONS } from './data-dir.ts';
import { InfluxStore } from './influxdb/influx-store.ts';
import { SQLITE_FILE, SqliteStore } from './sqlite/sqlite-store.ts';
import { withMemory } from './memory/index.ts';
import type { Store } from './store.ts';

/**
 * DATA_DIR, where the service keeps anything (the embedded store, a
 * generated admin token), is its owner's alone: made so, or said why not.
 */
function secureDataDir(config: Config, log: FastifyBaseLogger): void {
  if (config.STORE !== 'sqlite' && config.API_TOKENS !== null) return;
  const names = [ADMIN_TOKEN_FILE, SQLITE_FILE, ...SQLITE_COMPANIONS.map((suffix) => `${SQLITE_FILE}${suffix}`)];
  for (const change of privateDataDir(config.DATA_DIR, names)) log.warn({ path: change.path }, modeChangeText(change));
}

export async function createStore(config: Config, log: FastifyBaseLogger): Promise<Store> {
  secureDataDir(config, log);
  // Either adapter behind the one memory layer: what an instance keeps, and when it is trusted.
  const memory = { checkMs: config.CHANGE_CHECK_MS };
  if (config.STORE === 'sqlite') return withMemory(new SqliteStore(config.DATA_DIR), memory);
  const influx = await InfluxStore.connect(
    {
      url: config.INFLUX_URL!,
      token: config.INFLUX_TOKEN,
      database: config.INFLUX_DATABASE!,
      org: config.INFLUX_ORG,
      api: config.INFLUX_API,
      timeoutMs: config.INFLUX_TIMEOUT_MS,
    },
    log,
  );
  return withMemory(influx, memory);
}
