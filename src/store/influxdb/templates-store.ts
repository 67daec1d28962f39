/**
 * Report templates in InfluxDB (the points of template-lines.ts): a save
 * writes the bytes, then the slot's point that names them; a read takes the
 * point, then the bytes, and reads again when a save or delete came between.
 */
import type { StoredTemplate, TemplateInfo, TemplateKind, TemplatesPort } from '../store.ts';
import { statement } from './queries.ts';
import { EMPTY, getter, type StoreContext } from './store-context.ts';
import {
  nextTemplateSlot,
  partCount,
  partLine,
  partRange,
  templateBytes,
  templateEntries,
  type TemplateEntry,
  templateInfo,
  templateKey,
  templateLine,
} from './template-lines.ts';

/** A template's parts sent in one write request: about 1.5 MB of base64 (a 5 MB template takes five). */
const TEMPLATE_PARTS_PER_REQUEST = 32;
/** Reads of a template replaced or deleted while it was read, before giving up. */
const TEMPLATE_READS = 3;

export class TemplatesStore implements TemplatesPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark' | 'log'>) {}

  private async templateSlots(): Promise<Map<string, TemplateEntry>> {
    const [result = EMPTY] = await this.context.run([statement('templates', 0, {})]);
    return templateEntries(result.rows.map((row) => getter(result, row)));
  }

  /**
   * Rewrite the parts of saves no slot names any more empty, so that InfluxDB
   * drops their bytes as it compacts. The template is saved or deleted
   * already: a failure here leaves bytes nothing reads, and is logged.
   */
  private async blankParts(entries: readonly TemplateEntry[]): Promise<void> {
    const lines: string[] = [];
    for (const e of entries) for (let i = 0; i < e.parts; i++) lines.push(partLine(e.slot, e.gen, i, null));
    if (lines.length === 0) return;
    try {
      await this.context.writer.write(lines.length, (i) => lines[i]!, undefined, 'ns');
    } catch (error) {
      this.context.log.warn({ err: (error as Error).message, parts: lines.length }, 'the bytes of a replaced or deleted report template were not cleared; nothing reads them');
    }
  }

  /**
   * The bytes at a new range of the name and kind's slot, then the slot's
   * point naming them (template-lines.ts): until that point is written the
   * template stored before is read whole. Like a token, the catalog marker moves.
   */
  async saveTemplate(template: StoredTemplate): Promise<void> {
    const info = templateInfo(template);
    const bytes = Buffer.from(template.bytes.buffer, template.bytes.byteOffset, template.bytes.byteLength);
    const parts = partCount(bytes.length);
    await this.context.exclusive(async () => {
      const slots = await this.templateSlots();
      const before = slots.get(templateKey(info.name, info.kind));
      const slot = before?.slot ?? nextTemplateSlot(slots.values());
      const gen = (before?.gen ?? 0) + 1;
      await this.context.writer.write(parts, (i) => partLine(slot, gen, i, bytes), TEMPLATE_PARTS_PER_REQUEST, 'ns');
      await this.context.writer.write(1, () => templateLine(slot, gen, info, { length: bytes.length, parts }));
      await this.context.mark(['data', 'catalog']);
      if (before !== undefined && !before.deleted) await this.blankParts([before]);
    });
  }

  async templates(): Promise<TemplateInfo[]> {
    return [...(await this.templateSlots()).values()]
      .filter((e) => !e.deleted)
      .map((e) => e.info)
      .sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }

  /** The slot's point, then its parts: read again when a save or delete came between the two. */
  async template(name: string, kind: TemplateKind): Promise<StoredTemplate | null> {
    for (let attempt = 1; ; attempt++) {
      const entry = (await this.templateSlots()).get(templateKey(name, kind));
      if (entry === undefined || entry.deleted) return null;
      let bytes: Buffer | null = Buffer.alloc(0);
      if (entry.parts > 0) {
        const [result = EMPTY] = await this.context.run([statement('template-parts', 0, partRange(entry.slot, entry.gen, entry.parts))]);
        bytes = templateBytes(result.rows.map((row) => getter(result, row)), entry);
      }
      if (bytes !== null) return { ...entry.info, bytes };
      if (attempt === TEMPLATE_READS) throw new Error(`report template ${name} (${kind}): its bytes are not all in InfluxDB`);
    }
  }

  /** A tombstone at each slot; the catalog marker moves when any was removed. */
  async deleteTemplates(name: string, kind: TemplateKind | null): Promise<number> {
    return this.context.exclusive(async () => {
      const gone = [...(await this.templateSlots()).values()].filter((e) => !e.deleted && e.info.name === name && (kind === null || e.info.kind === kind));
      if (gone.length === 0) return 0;
      await this.context.writer.write(gone.length, (i) => templateLine(gone[i]!.slot, gone[i]!.gen, gone[i]!.info, null));
      await this.context.mark(['data', 'catalog']);
      await this.blankParts(gone);
      return gone.length;
    });
  }
}
