/**
 * Annual targets: checked against the catalog, then stored (API.md, Targets
 * and progress). All or nothing, with every bad row named.
 */
import type { Target } from '../domain/types.ts';
import { ApiError, type ErrorDetail } from '../errors.ts';
import type { TargetInput } from '../schemas/targets.ts';
import type { TargetFilter, TargetsPort } from '../store/store.ts';
import type { CatalogService } from './catalog.ts';

export class TargetService {
  constructor(
    private readonly store: TargetsPort,
    private readonly catalog: CatalogService,
  ) {}

  async upsert(inputs: readonly TargetInput[]): Promise<number> {
    const details: ErrorDetail[] = [];
    const firstRow = new Map<string, number>();
    const targets: Target[] = [];
    inputs.forEach((input, i) => {
      const row = i + 1;
      const indicator = this.catalog.findIndicator(input.indicator);
      const region = this.catalog.resolveRegion(input.region);
      if (indicator === undefined) details.push({ row, field: 'indicator', message: `no indicator ${input.indicator}` });
      if (region === undefined) details.push({ row, field: 'region', message: `no region ${input.region}` });
      if (indicator !== undefined && input.kind === 'value') {
        // A month's own figure has no annual amount to complete (a month indicator's year is twelve figures).
        if (indicator.basis === 'month') details.push({ row, field: 'kind', message: `${indicator.code} is a month indicator: only a growth target applies` });
        else if (indicator.basis === 'ytd' && !(input.value > 0)) details.push({ row, field: 'value', message: 'an annual amount must be above zero' });
      }
      if (indicator === undefined || region === undefined) return;
      const key = `${indicator.code}\u0000${region.code}\u0000${input.year}\u0000${input.kind}`;
      const seen = firstRow.get(key);
      if (seen !== undefined) details.push({ row, field: 'kind', message: `the same target is also given in row ${seen}` });
      else firstRow.set(key, row);
      targets.push({ indicator: indicator.code, region: region.code, year: input.year, kind: input.kind, value: input.value });
    });
    if (details.length > 0) throw new ApiError('validation_failed', `${details.length} problem(s) in the targets; nothing was stored`, { details });
    await this.store.saveTargets(targets);
    return targets.length;
  }

  async list(filter: TargetFilter): Promise<Target[]> {
    const indicator = filter.indicator === undefined ? undefined : this.catalog.indicator(filter.indicator).code;
    const region = filter.region === undefined ? undefined : this.catalog.region(filter.region).code;
    return this.store.targets({ indicator, region, year: filter.year });
  }
}
