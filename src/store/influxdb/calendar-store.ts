/** The release calendar in InfluxDB: a setting per indicator and month (publication-lines.ts). */
import type { ReleaseEntry, ReleaseSetting } from '../../domain/publication.ts';
import type { Period } from '../../domain/types.ts';
import type { CalendarPort } from '../store.ts';
import { releaseEntries, releaseLine } from './publication-lines.ts';
import { statement } from './queries.ts';
import { EMPTY, getter, type StoreContext } from './store-context.ts';

export class CalendarStore implements CalendarPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark'>) {}

  async loadReleases(): Promise<ReleaseEntry[]> {
    const [result = EMPTY] = await this.context.run([statement('releases', 0, {})]);
    return releaseEntries(result.rows.map((row) => getter(result, row)));
  }

  async saveReleases(settings: ReadonlyArray<{ indicator: string; period: Period; setting: ReleaseSetting }>): Promise<void> {
    if (settings.length === 0) return;
    await this.context.exclusive(async () => {
      await this.context.writer.write(settings.length, (i) => releaseLine(settings[i]!.indicator, settings[i]!.period, settings[i]!.setting));
      await this.context.mark(['data', 'releases']);
    });
  }
}
