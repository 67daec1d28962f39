/**
 * A report's facts as JSON, written once: the run hashes them for the
 * report's digest and the store writes the same text. A national run is
 * 3,000 reports of a few hundred kilobytes each; writing each twice was
 * gigabytes of strings for the collector (bench/reports.ts).
 */
const written = new WeakMap<object, string>();

export function reportJson(facts: unknown): string {
  if (facts === null || typeof facts !== 'object') return JSON.stringify(facts);
  let json = written.get(facts);
  if (json === undefined) written.set(facts, (json = JSON.stringify(facts)));
  return json;
}
