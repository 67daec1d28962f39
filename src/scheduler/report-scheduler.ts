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
  }

  /** The latest slot at or before `at` (to the minute), or null within the look-back. */
  latestSlot(at: Date): Date | null {
    let t = Math.floor(at.getTime() / MINUTE) * MINUTE;
    // Bounded: at most LOOKBACK_MINUTES steps.
    for (let i = 0; i < LOOKBACK_MINUTES; i++, t -= MINUTE) {
      const candidate = new Date(t);
      if (this.matcher.match(candidate)) return candidate;
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
