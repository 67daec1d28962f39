/**
 * The monthly report on schedule. node-cron fires the slots (REPORT_CRON in
 * REPORT_TZ); each slot is claimed in the store before it runs, so it runs at
 * most once, also across restarts. node-cron 4 has no missed-run recovery: at
 * start the latest slot is looked up here and, if it was missed while the
 * service was down, run once.
 */
import { createTask, type ScheduledTask } from 'node-cron';

/** The store key under which the last claimed slot is kept. */
export const SLOT_KEY = 'report-schedule';
/** Claimed once, on the very first start: the schedule begins after it. */
const FIRST_START_KEY = 'report-schedule-first-start';
/** How far back a missed slot is looked for: a yearly schedule still finds its slot. */
const LOOKBACK_MINUTES = 400 * 24 * 60;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The values a cron field of plain numbers (`0`, `9,21`) allows; null for anything else (`*`, ranges, steps, names). */
function plainField(field: string | undefined): Set<number> | null {
  return field !== undefined && /^\d{1,2}(,\d{1,2})*$/.test(field) ? new Set(field.split(',').map(Number)) : null;
}

export interface SchedulerOptions {
  cron: string;
  timeZone: string;
  /** Record the slot if later than the one recorded; answers whether it was. */
  claim(key: string, slot: string): Promise<boolean>;
  /** Generate the reports of the slot. */
  run(slot: Date): Promise<void>;
  /** The clock: tests pass their own. */
  now?: () => Date;
  log: { info(details: object, message: string): void; error(details: object, message: string): void };
}

export class ReportScheduler {
  private readonly matcher: ScheduledTask;
  private task: ScheduledTask | null = null;
  private readonly now: () => Date;
  private stopped = false;
  /** The run under way, waited for when stopping. */
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    // A task that is never started: node-cron's own matching of dates, in the time zone.
    this.matcher = createTask(options.cron, () => {}, { timezone: options.timeZone });
    const fields = options.cron.trim().split(/\s+/);
    if (fields.length === 5) {
      this.minutes = plainField(fields[0]);
      this.hours = plainField(fields[1]);
    }
    this.localTime = new Intl.DateTimeFormat('en-US', { timeZone: options.timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  }

  /** The minutes and hours the schedule's fields allow, when plain numbers: the look-back asks node-cron only about those. */
  private readonly minutes: Set<number> | null = null;
  private readonly hours: Set<number> | null = null;
  private readonly localTime: Intl.DateTimeFormat;

  /**
   * The latest slot at or before `at` (to the minute), or null within the
   * look-back. node-cron says whether a minute matches (in the time zone),
   * at some microseconds a minute: with the minute field a plain number,
   * only the minutes it names are asked about, an hour at a time (400 days
   * of minutes took a quarter of a second of CPU at every start).
   */
  latestSlot(at: Date): Date | null {
    const last = Math.floor(at.getTime() / MINUTE) * MINUTE;
    if (this.minutes !== null) return this.latestByHour(last);
    let t = last;
    // Bounded: at most LOOKBACK_MINUTES steps.
    for (let i = 0; i < LOOKBACK_MINUTES; i++, t -= MINUTE) {
      const candidate = new Date(t);
      if (this.matcher.match(candidate)) return candidate;
    }
    return null;
  }

  private latestByHour(last: number): Date | null {
    const minutes = [...this.minutes!].sort((a, b) => b - a);
    // Bounded: the look-back's hours, and the field's minutes in each.
    for (let hour = Math.floor(last / HOUR) * HOUR; hour > last - LOOKBACK_MINUTES * MINUTE - HOUR; hour -= HOUR) {
      // The local hour and minute at the start of this hour (a zone may be 30 or 45 minutes off the hour).
      const parts = this.localTime.formatToParts(new Date(hour));
      const localHour = Number(parts.find((p) => p.type === 'hour')!.value);
      const localMinute = Number(parts.find((p) => p.type === 'minute')!.value);
      const candidates: number[] = [];
      for (const minute of minutes) {
        const offset = (minute - localMinute + 60) % 60;
        const h = (localHour + Math.floor((localMinute + offset) / 60)) % 24;
        if (this.hours === null || this.hours.has(h)) candidates.push(hour + offset * MINUTE);
      }
      for (const t of candidates.sort((a, b) => b - a)) {
        if (t <= last && t > last - LOOKBACK_MINUTES * MINUTE && this.matcher.match(new Date(t))) return new Date(t);
      }
    }
    return null;
  }

  /** Run `slot` unless it has been claimed before; answers whether it ran. */
  async fire(slot: Date): Promise<boolean> {
    const at = new Date(Math.floor(slot.getTime() / MINUTE) * MINUTE);
    if (!(await this.options.claim(SLOT_KEY, at.toISOString()))) return false;
    this.options.log.info({ slot: at.toISOString() }, 'running the scheduled reports');
    const run = this.options.run(at).catch((error: unknown) => this.options.log.error({ err: error, slot: at.toISOString() }, 'the scheduled reports failed'));
    this.running = run;
    await run;
    return true;
  }

  /**
   * At start: run the latest slot if it was missed, once. On the very first
   * start nothing was missed: the schedule begins after that slot.
   */
  async catchUp(): Promise<boolean> {
    const slot = this.latestSlot(this.now());
    if (slot === null) return false;
    if (await this.options.claim(FIRST_START_KEY, 'started')) {
      await this.options.claim(SLOT_KEY, slot.toISOString());
      this.options.log.info({ after: slot.toISOString() }, 'first start: reports will run from the next schedule slot');
      return false;
    }
    return this.fire(slot);
  }

  /** The next slot after `at`: what node-cron will fire. */
  nextSlot(): Date | null {
    return (this.task ?? this.matcher).getNextRun();
  }

  start(): void {
    if (this.stopped) return;
    this.task = createTask(this.options.cron, (context) => this.fire(context.date), { timezone: this.options.timeZone, noOverlap: true });
    void this.task.start();
  }

  /** Stop firing, and wait for a run under way to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await this.task?.destroy();
    await this.matcher.destroy();
    this.task = null;
    await this.running;
    this.options.log.info({}, 'report schedule stopped');
  }
}
