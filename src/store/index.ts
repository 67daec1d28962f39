/** The store the configuration names. */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { InfluxStore } from './influxdb/influx-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export async function createStore(config: Config, log: FastifyBaseLogger): Promise<Store> {
  if (config.STORE === 'sqlite') return new SqliteStore(config.DATA_DIR);
  return InfluxStore.connect(
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
}
