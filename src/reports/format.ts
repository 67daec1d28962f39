/** Formatters by time zone: making one costs more than a report's Markdown (a national run writes 3,000). */
const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** When a report was generated, in the time zone its readers live in: 2022-07-15 09:00 (Asia/Shanghai). */
export function localTime(at: Date, timeZone: string): string {
  let format = FORMATS.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    FORMATS.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}
