/**
 * Answers built from something that never changes (a stored version of a
 * report), kept by what they were built from: a report is drawn once per
 * version and format, not once per request, and requests that arrive while
 * it is being drawn wait for that one drawing. Bounded by bytes, least
 * recently used dropped first; a failed drawing is not kept.
 */

/** Bytes of drawn reports kept: a Word report with its charts is a few hundred KB. */
export const RENDER_CACHE_BYTES = 64 * 1024 * 1024;

type Drawn = Buffer | string;

export class RenderCache {
  private readonly kept = new Map<string, Drawn>();
  private readonly drawing = new Map<string, Promise<Drawn>>();
  private bytes = 0;

  constructor(private readonly maxBytes: number = RENDER_CACHE_BYTES) {}

  get(key: string, draw: () => Promise<Drawn>): Promise<Drawn> {
    const kept = this.kept.get(key);
    if (kept !== undefined) {
      this.kept.delete(key);
      this.kept.set(key, kept);
      return Promise.resolve(kept);
    }
    const under = this.drawing.get(key);
    if (under !== undefined) return under;
    const drawing = draw().then(
      (drawn) => {
        this.drawing.delete(key);
        this.keep(key, drawn);
        return drawn;
      },
      (error: unknown) => {
        this.drawing.delete(key);
        throw error;
      },
    );
    this.drawing.set(key, drawing);
    return drawing;
  }

  private keep(key: string, drawn: Drawn): void {
    const size = typeof drawn === 'string' ? drawn.length * 2 : drawn.length;
    if (size > this.maxBytes / 4) return;
    this.kept.set(key, drawn);
    this.bytes += size;
    for (const [oldest, value] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= typeof value === 'string' ? value.length * 2 : value.length;
    }
  }
}
