/** The service's own durable facts in InfluxDB (schedule slots, secrets): a value per key (lines.ts stateLine). */
import type { StatePort } from '../store.ts';
import { column } from './http.ts';
import { stateLine } from './lines.ts';
import { statement } from './queries.ts';
import { EMPTY, type StoreContext } from './store-context.ts';

export class StateStore implements StatePort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer'>) {}

  async stateValue(key: string): Promise<string | null> {
    const [result = EMPTY] = await this.context.run([statement('state', 0, { key })]);
    const current = result.rows[0]?.[column(result, 'value')];
    return typeof current === 'string' ? current : null;
  }

  async claim(key: string, slot: string): Promise<boolean> {
    const current = await this.stateValue(key);
    if (current !== null && current >= slot) return false;
    await this.context.writer.write(1, () => stateLine(key, slot));
    return true;
  }
}
