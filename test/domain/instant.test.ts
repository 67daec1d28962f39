import t from 'tap';
import { endOfDay, parseInstant } from '../../src/domain/instant.ts';

t.test('RFC 3339 instants need an offset', async (t) => {
  t.equal(parseInstant('2024-07-15T10:00:00+08:00'), Date.parse('2024-07-15T02:00:00Z'), '10:00 in Beijing is 02:00Z');
  t.equal(parseInstant('2024-07-15T02:00:00Z'), Date.parse('2024-07-15T02:00:00Z'));
  t.equal(parseInstant('2024-07-15t02:00:00.5z'), Date.parse('2024-07-15T02:00:00.500Z'), 'lower case and a fraction');
  t.equal(parseInstant('2024-07-15T02:00:00.123456789-05:30'), Date.parse('2024-07-15T07:30:00.123Z'), 'nanoseconds truncated to ms');
  for (const bad of ['2024-07-15T10:00:00', '2024-07-15', '2024-02-30T00:00:00Z', '2024-07-15T24:00:00Z', '2024-07-15T10:00:00+25:00', '15/07/2024 10:00', '']) {
    t.equal(parseInstant(bad), null, `refused: ${bad}`);
  }
  // Date.UTC reads years 0-99 as 1900-1999: these are the years written.
  t.equal(parseInstant('0050-03-01T00:00:00Z'), Date.parse('0050-03-01T00:00:00Z'), 'year 50 is year 50');
  t.equal(parseInstant('0000-02-29T00:00:00Z'), Date.parse('0000-02-29T00:00:00Z'), 'year 0 is a leap year (1900 is not)');
  t.equal(parseInstant('0099-12-31T23:59:59Z'), Date.parse('0099-12-31T23:59:59Z'));
});

t.test('a day ends at its last millisecond in the named zone, whatever the server TZ', async (t) => {
  const before = process.env.TZ;
  t.teardown(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
  for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata']) {
    process.env.TZ = tz;
    t.equal(endOfDay('2024-07-15', 'Asia/Shanghai'), Date.parse('2024-07-15T15:59:59.999Z'), `Asia/Shanghai, server in ${tz}`);
    t.equal(parseInstant('2024-07-15T10:00:00+08:00'), Date.parse('2024-07-15T02:00:00Z'), `instants too, server in ${tz}`);
  }
  t.equal(endOfDay('2024-03-10', 'America/New_York'), Date.parse('2024-03-11T03:59:59.999Z'), 'a day that springs forward');
  t.equal(endOfDay('2024-11-03', 'America/New_York'), Date.parse('2024-11-04T04:59:59.999Z'), 'a day that falls back');
  t.equal(endOfDay('2024-02-30', 'Asia/Shanghai'), null);
});
