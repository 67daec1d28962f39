/**
 * Which failed queries are InfluxDB being unable to run them now (503, repeat
 * later) and which are the query's own fault: messages as InfluxDB 1.x says them.
 */
import t from 'tap';
import { StoreUnavailableError } from '../../src/errors.ts';
import { queryFailure } from '../../src/store/influxdb/http.ts';

t.test('stopping or overloaded: unavailable, repeat later', async (t) => {
  for (const said of [
    'query engine shutdown', // seen in the outage test while influxd stopped
    'not executed',
    'engine is closed',
    'tsdb store closed',
    'shard is disabled',
    'query interrupted',
    'query aborted',
    'query killed',
    'query timeout reached',
    'max-concurrent-queries limit exceeded(8, 8)',
  ]) {
    t.ok(queryFailure(said) instanceof StoreUnavailableError, said);
  }
});

t.test("the query's own fault: not a 503", async (t) => {
  for (const said of [
    'database not found: stats',
    'error parsing query: found EOF, expected FROM at line 1, char 9',
    'max-select-point limit exceeed: (10000/10000)',
    'unable to parse authentication credentials',
  ]) {
    const error = queryFailure(said);
    t.notOk(error instanceof StoreUnavailableError, said);
    t.match(error.message, said);
  }
});
