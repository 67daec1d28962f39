/** The store the configuration names. */
import { ConfigError, type Config } from '../config.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export async function createStore(config: Config): Promise<Store> {
  if (config.STORE === 'influxdb') throw new ConfigError('STORE=influxdb is not available yet in this build');
  return new SqliteStore(config.DATA_DIR);
}
