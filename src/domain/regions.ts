/**
 * Regions that change (DOMAIN.md, Regions change): a region exists as a peer
 * only in the months of its validity (validFrom, validTo inclusive; an open
 * end is unbounded). Codes that change keep one series: figures under a
 * former code belong to the current one (catalog and ingest resolve them).
 */
import type { Period } from './period.ts';

export function validIn(region: { validFrom?: Period | undefined; validTo?: Period | undefined }, period: Period): boolean {
  return (region.validFrom === undefined || period >= region.validFrom) && (region.validTo === undefined || period <= region.validTo);
}
