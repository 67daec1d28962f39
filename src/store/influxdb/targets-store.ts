/** Annual targets in InfluxDB (the points of targets.ts): written under the write lock, then the change marker. */
import type { Target } from '../../domain/types.ts';
import type { TargetFilter, TargetsPort } from '../store.ts';
import { EMPTY, type StoreContext } from './store-context.ts';
import { targetLine, targetsOf, targetsStatement } from './targets.ts';

export class TargetsStore implements TargetsPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark'>) {}

  async saveTargets(targets: readonly Target[]): Promise<void> {
    if (targets.length === 0) return;
    await this.context.exclusive(async () => {
      await this.context.writer.write(targets.length, (i) => targetLine(targets[i]!));
      await this.context.mark(['data']);
    });
  }

  async targets(filter: TargetFilter): Promise<Target[]> {
    const [result = EMPTY] = await this.context.run([targetsStatement(filter)]);
    return targetsOf(result);
  }
}
