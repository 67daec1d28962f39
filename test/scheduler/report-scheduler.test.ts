/**
 * The report schedule on a controlled clock: no real waiting. The slot
 * claims go to a real SQLite store, so restarts are real too.
 */
import t from 'tap';
import { ReportScheduler } from '../../src/scheduler/report-scheduler.ts';
import { previousMonth } from '../../src/services/reports.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../helpers/tmp.ts';

const quiet = { info() {}, error() {} };
const CRON = '0 9 15 * *';
const TZ = 'Asia/Shanghai';

function scheduler(store: SqliteStore, now: () => Date, ran: string[]) {
  return new ReportScheduler({
    cron: CRON,
    timeZone: TZ,
    claim: (key, slot) => store.claim(key, slot),
    run: async (slot) => {
      ran.push(`${slot.toISOString()} → ${previousMonth(slot, TZ)}`);
    },
    now,
    log: quiet,
  });
}

t.test('the month reported is the previous one in the schedule time zone', async (t) => {
  t.equal(previousMonth(new Date('2022-07-15T01:00:00Z'), TZ), '2022-06', '15 July 09:00 in Shanghai: June');
  t.equal(previousMonth(new Date('2022-07-31T16:30:00Z'), TZ), '2022-07', 'already 1 August in Shanghai: July');
  t.equal(previousMonth(new Date('2022-07-31T16:30:00Z'), 'UTC'), '2022-06', 'still July in UTC: June');
  t.equal(previousMonth(new Date('2023-01-10T01:00:00Z'), TZ), '2022-12', 'across the year');
});

t.test('slots in the time zone: the latest at or before now, and the next', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  const s = scheduler(store, () => new Date('2022-07-20T00:00:00Z'), []);
  t.teardown(() => s.stop());
  t.equal(s.latestSlot(new Date('2022-07-20T00:00:00Z'))?.toISOString(), '2022-07-15T01:00:00.000Z', '09:00 in Shanghai is 01:00 UTC');
  t.equal(s.latestSlot(new Date('2022-07-15T00:59:00Z'))?.toISOString(), '2022-06-15T01:00:00.000Z', 'a minute before: the month before');
  t.equal(s.latestSlot(new Date('2022-07-15T01:00:30Z'))?.toISOString(), '2022-07-15T01:00:00.000Z', 'at the slot itself');
  s.start();
  const next = s.nextSlot();
  t.ok(next !== null && next.getUTCHours() === 1 && next.getUTCMinutes() === 0 && next.getUTCDate() === 15, `node-cron fires at 09:00 Shanghai on the 15th (${next?.toISOString()})`);
});

t.test('a missed slot is caught up once, never twice, across restarts', async (t) => {
  const dir = tempDir(t);
  let now = new Date('2022-05-20T00:00:00Z');
  const ran: string[] = [];
  let store = new SqliteStore(dir);

  // First start: nothing was missed; the schedule begins after the latest slot.
  let s = scheduler(store, () => now, ran);
  t.equal(await s.catchUp(), false);
  t.same(ran, [], 'a first start runs nothing');

  // The slot of 15 June fires while up.
  t.equal(await s.fire(new Date('2022-06-15T01:00:00Z')), true);
  t.equal(await s.fire(new Date('2022-06-15T01:00:00Z')), false, 'the same slot does not run twice');
  t.same(ran, ['2022-06-15T01:00:00.000Z → 2022-05']);
  await s.stop();
  await store.close();

  // Down over 15 July; back on the 20th: the missed slot runs once.
  now = new Date('2022-07-20T00:00:00Z');
  store = new SqliteStore(dir);
  s = scheduler(store, () => now, ran);
  t.equal(await s.catchUp(), true, 'caught up');
  t.same(ran.at(-1), '2022-07-15T01:00:00.000Z → 2022-06', 'the June report');
  await s.stop();
  await store.close();

  // Restarted again the same day: already done.
  store = new SqliteStore(dir);
  s = scheduler(store, () => now, ran);
  t.teardown(() => store.close());
  t.teardown(() => s.stop());
  t.equal(await s.catchUp(), false, 'not again after another restart');
  t.equal(await s.fire(new Date('2022-07-15T01:00:00Z')), false, 'nor when node-cron fires it late');
  t.equal(ran.length, 2);

  // Down over two slots: only the latest is caught up, once.
  now = new Date('2022-09-16T00:00:00Z');
  t.equal(await s.catchUp(), true);
  t.same(ran.at(-1), '2022-09-15T01:00:00.000Z → 2022-08');
  t.equal(await s.fire(new Date('2022-08-15T01:00:00Z')), false, 'an older slot is not run later');
  t.equal(ran.length, 3);
});

t.test('a failing run is logged and does not break the schedule', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  const errors: string[] = [];
  const s = new ReportScheduler({
    cron: CRON,
    timeZone: TZ,
    claim: (key, slot) => store.claim(key, slot),
    run: async () => {
      throw new Error('store down');
    },
    log: { info() {}, error: (_d, message) => errors.push(message) },
  });
  t.teardown(() => s.stop());
  t.equal(await s.fire(new Date('2022-06-15T01:00:00Z')), true);
  t.same(errors, ['the scheduled reports failed']);
  t.equal(await s.fire(new Date('2022-07-15T01:00:00Z')), true, 'the next slot still runs');
});

t.test('the latest slot found an hour at a time is the one found minute by minute, in zones off the hour and across DST', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  const make = (cron: string, timeZone: string) => {
    const s = new ReportScheduler({ cron, timeZone, claim: (key, slot) => store.claim(key, slot), run: async () => {}, log: quiet });
    t.teardown(() => s.stop());
    return s;
  };
  // The same schedule written as plain numbers (found an hour at a time) and as ranges (node-cron asked about
  // every minute: slow, so the monthly schedule is compared at fewer instants).
  const offHour = ['Asia/Kolkata', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe'];
  const acrossDst = ['2023-03-12T07:10:00Z', '2023-11-05T06:20:00Z', '2024-04-07T02:00:00Z', '2024-10-06T15:45:00Z', '2024-02-29T23:59:59Z'];
  const cases: Array<[string, string, string[], string[]]> = [
    ['30 2 * * *', '30-30 2-2 * * *', offHour, acrossDst],
    ['15,45 1,13 * * *', '15-15,45-45 1-1,13-13 * * *', offHour, acrossDst],
    ['0 9 15 * *', '0-0 9-9 15 * *', ['Asia/Shanghai', 'Asia/Kathmandu'], ['2022-07-15T00:59:00Z', '2022-07-16T01:00:30Z']],
  ];
  let compared = 0;
  for (const [plain, ranged, zones, instants] of cases) {
    for (const zone of zones) {
      const fast = make(plain, zone);
      const slow = make(ranged, zone);
      for (const at of instants) {
        const a = fast.latestSlot(new Date(at))?.toISOString();
        const b = slow.latestSlot(new Date(at))?.toISOString();
        if (a !== b) t.fail(`${plain} in ${zone} at ${at}: ${a} an hour at a time, ${b} minute by minute`);
        compared++;
      }
    }
  }
  t.equal(compared, 44, `${compared} instants compared, all equal`);
});
