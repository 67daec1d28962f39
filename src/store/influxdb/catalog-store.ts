/**
 * The catalog in InfluxDB: regions, groups and indicators, each entry at a
 * slot of its kind (lines.ts). It lives in the same database as the
 * figures, so every instance of the service sees the same one.
 */
import { type StoredIndicator, withIndicatorDefaults } from '../../domain/aggregation.ts';
import type { Group, Indicator, Region } from '../../domain/types.ts';
import type { CatalogChanges, CatalogData, CatalogPort } from '../store.ts';
import { column } from './http.ts';
import { type CatalogKind, catalogDoc, catalogEntries, catalogLine, catalogSlots } from './lines.ts';
import { queryText } from './queries.ts';
import { EMPTY, type StoreContext } from './store-context.ts';

export class CatalogStore implements CatalogPort {
  constructor(private readonly context: Pick<StoreContext, 'http' | 'writer' | 'exclusive' | 'mark'>) {}

  /** Catalog rows: whole (`catalog`), or without their content (`catalog-slots`). */
  private async catalogRows(query: 'catalog' | 'catalog-slots'): Promise<Array<(name: string) => unknown>> {
    const [result = EMPTY] = await this.context.http.query([queryText(query)], {});
    return result.rows.map((row) => (name: string) => row[column(result, name)]);
  }

  async loadCatalog(): Promise<CatalogData> {
    const regions: Region[] = [];
    const groups: Group[] = [];
    const indicators: Array<Indicator & { seq: number }> = [];
    // Entries in slots and entries written before slots (a `code` tag at time 0), the later layout winning.
    for (const entry of catalogEntries(await this.catalogRows('catalog'))) {
      const doc = catalogDoc(entry.get);
      if (entry.kind === 'region') regions.push(doc as Region);
      else if (entry.kind === 'group') groups.push(doc as Group);
      // An indicator written by an earlier release has no review or aggregation: read with their defaults.
      else indicators.push({ ...withIndicatorDefaults(doc as StoredIndicator), seq: entry.seq });
    }
    const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    indicators.sort((a, b) => a.seq - b.seq || byCode(a, b));
    return {
      regions: regions.sort(byCode),
      groups: groups.sort(byCode),
      indicators: indicators.map(({ seq: _seq, ...indicator }) => indicator),
    };
  }

  /**
   * Each entry at its code's slot (a new code: the next free one of its
   * kind), one save at a time: slots are read, then written.
   */
  async saveCatalog(changes: CatalogChanges): Promise<void> {
    await this.context.exclusive(async () => {
      const entries = catalogEntries(await this.catalogRows('catalog-slots'));
      const lines: string[] = [];
      const put = <T extends { code: string }>(kind: CatalogKind, items: readonly T[], seq: (item: T) => number) => {
        const slots = catalogSlots(entries, kind, items.map((item) => item.code));
        items.forEach((item, i) => lines.push(catalogLine(kind, item.code, seq(item), item, slots[i]!)));
      };
      put('region', changes.regions ?? [], () => 0);
      put('group', changes.groups ?? [], () => 0);
      // Indicators keep the order they were first given in.
      const seqOf = new Map(entries.filter((e) => e.kind === 'indicator').map((e) => [e.code, e.seq]));
      let next = Math.max(0, ...seqOf.values()) + 1;
      put('indicator', changes.indicators ?? [], (i) => seqOf.get(i.code) ?? next++);
      await this.context.writer.write(lines.length, (i) => lines[i]!);
      await this.context.mark(['data', 'catalog']);
    });
  }
}
