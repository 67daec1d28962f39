/**
 * Opening InfluxDB at start: wait for it to answer, then make sure the
 * database is there (created on 1.x; on 2.x/3.x the bucket must exist).
 */
import { StoreUnavailableError } from '../../errors.ts';
import { InfluxHttp, type InfluxConnection } from './http.ts';
import { identifier, queryText } from './queries.ts';
import { EMPTY } from './store-context.ts';

/** How long a start waits for InfluxDB to answer before giving up. */
export const STARTUP_WAIT_MS = 30_000;

/**
 * InfluxDB's HTTP API once it answers, waiting up to STARTUP_WAIT_MS; on
 * 1.x the database is created when missing, on 2.x/3.x this fails unless
 * the bucket exists.
 */
export async function openInflux(connection: InfluxConnection, log: { info(details: object, message: string): void }): Promise<InfluxHttp> {
  const http = new InfluxHttp(connection);
  const deadline = Date.now() + STARTUP_WAIT_MS;
  for (;;) {
    try {
      await http.ping();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        http.close();
        throw new StoreUnavailableError(`InfluxDB at ${connection.url} did not answer within ${STARTUP_WAIT_MS / 1000} s`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    const [databases = EMPTY] = await http.query([queryText('database-exists')], {});
    // 1.x and 2.x name the column "name"; 3.x may name it otherwise: any value will do.
    const exists = databases.rows.some((row) => row.includes(connection.database));
    if (!exists && connection.api !== 'v1') {
      throw new StoreUnavailableError(
        `InfluxDB has no bucket or database "${connection.database}": create it with a shard-group duration of about ten years` +
          (connection.api === 'v2' ? ' and a DBRP mapping for InfluxQL (see the README)' : ''),
      );
    }
    if (!exists) {
      await http.query([queryText('create-database').replace('{{database}}', identifier(connection.database))], {});
      log.info({ database: connection.database }, 'created the InfluxDB database with 10-year shards');
    }
  } catch (error) {
    http.close();
    throw error;
  }
  return http;
}
