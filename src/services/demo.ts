/** Loading the synthetic demo dataset through the same ingest path as any post. */
import { DEMO_BY, demoObservations, demoRevision } from '../catalog/demo-data.ts';
import type { IngestService } from './ingest.ts';

// Fixed receive times: loading the demo again is a no-op, not a new version.
const DEMO_RECEIVED = new Date('2024-01-20T02:00:00Z');
const DEMO_REVISED = new Date('2024-02-18T02:00:00Z');

export async function loadDemo(ingest: IngestService): Promise<{ rows: number; created: number; revised: number }> {
  const rows = demoObservations();
  const numbered = (list: typeof rows) => ({ data: list, numbers: null });
  const first = await ingest.ingest(numbered(rows), { dryRun: false, by: DEMO_BY, receivedAt: DEMO_RECEIVED });
  const later = await ingest.ingest(numbered(demoRevision(rows)), { dryRun: false, by: DEMO_BY, receivedAt: DEMO_REVISED });
  return { rows: rows.length, created: first.created + later.created, revised: first.revised + later.revised };
}
