import t from 'tap';
import { growthPeriods } from '../../src/domain/growth.ts';
import { shiftPeriod } from '../../src/domain/period.ts';
import { plausibilityWarnings } from '../../src/domain/plausibility.ts';
import { PLAUSIBILITY_CASES } from '../fixtures/plausibility.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('plausibility flags, row by row', async (t) => {
  for (const c of PLAUSIBILITY_CASES) {
    const warnings = plausibilityWarnings(indicator({ basis: c.basis }), c.period, lookupOf(c.figures));
    t.same(warnings.map((w) => w.field), c.expected.map(([field]) => field), `${c.why}: fields`);
    c.expected.forEach(([, fragment], i) => t.match(warnings[i]?.message, fragment, `${c.why}: message`));
  }
});

t.test('the checks read only the neighbouring months and the growth base (what ingest fetches)', async (t) => {
  for (const c of PLAUSIBILITY_CASES) {
    const ind = indicator({ basis: c.basis });
    const read = new Set<string>();
    plausibilityWarnings(ind, c.period, (p) => {
      read.add(p);
      return lookupOf(c.figures)(p);
    });
    const fetched = new Set([shiftPeriod(c.period, -1), shiftPeriod(c.period, 1), ...growthPeriods(ind, c.period)]);
    for (const p of read) t.ok(fetched.has(p), `${c.why}: ${p}`);
  }
});
