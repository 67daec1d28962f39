/**
 * Versions of the stored data as answers depend on them: a version of
 * everything, and one per indicator. A write this process made says which
 * indicators' figures it changed (Store.subscribe), so an answer about one
 * indicator (a ranking, a series, a chart of it) stays valid while the
 * bureau posts another. Any other change (catalog, calendar, targets,
 * reports, tokens, or a write this process was not told of: another
 * instance's, read from the change marker) moves every version.
 */
import { consumeOwn } from '../store/memory.ts';
import type { ChangeState, Store, Written } from '../store/store.ts';

/** Markers of this process's own writes remembered: far more than are told between two reads of the state. */
const OWN_MARKERS_KEPT = 1024;

export class DataVersions {
  /** Moves on any change not limited to named indicators. */
  private everything = 0;
  /** Moves on every change. */
  private any = 0;
  private readonly byIndicator = new Map<string, number>();
  /** The data markers this process's own writes left (their changes are counted already). */
  private readonly own = new Set<string>();
  private lastData: string | null = null;

  constructor(store: Store) {
    store.subscribe((written) => this.wrote(written));
  }

  private wrote(written: Written): void {
    this.any++;
    if (written.indicators === undefined || written.catalog || written.releases) this.everything++;
    else for (const code of written.indicators) this.byIndicator.set(code, (this.byIndicator.get(code) ?? 0) + 1);
    this.own.add(written.data);
    if (this.own.size > OWN_MARKERS_KEPT) this.own.delete(this.own.values().next().value!);
  }

  /** Take in the store's state: a data marker no own write left is a change of everything. */
  private observe(state: ChangeState): void {
    if (state.data === this.lastData) return;
    // Own markers up to this one are seen, whether or not this is the first state read.
    const own = consumeOwn(this.own, state.data);
    if (this.lastData !== null && !own) {
      this.everything++;
      this.any++;
    }
    this.lastData = state.data;
  }

  /** The version answers about everything depend on. */
  all(state: ChangeState): string {
    this.observe(state);
    return `${this.everything}.${this.any}`;
  }

  /** The version answers about one indicator's figures depend on (any string: an unknown code has version 0). */
  of(state: ChangeState, indicator: string): string {
    this.observe(state);
    return `${this.everything}.i${this.byIndicator.get(indicator) ?? 0}`;
  }

  /** The part every version shares: when it moves, no answer kept before is asked for again. */
  epoch(state: ChangeState): number {
    this.observe(state);
    return this.everything;
  }
}
