/** One negotiation for every resource: extension, then format=, then Accept. */
import t from 'tap';
import { ApiError } from '../../src/errors.ts';
import { fromAccept, negotiate, Renderers } from '../../src/formats/negotiate.ts';
import { chartFormats, rankingFormats, reportFormats } from '../../src/formats/resources.ts';
import { observationFormats } from '../../src/formats/observations.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.statusCode, field: error.details?.[0]?.field };
    throw error;
  }
  return null;
};

t.test('each resource names its formats, JSON first', async (t) => {
  t.same(chartFormats.names, ['json', 'svg', 'png']);
  t.same(rankingFormats.names, ['json', 'csv', 'xlsx']);
  t.same(reportFormats.names, ['json', 'md', 'html', 'docx']);
  t.same(observationFormats.names, ['json', 'csv', 'xlsx', 'sdmx-csv']);
  t.throws(() => new Renderers('x').register('csv', () => '').register('csv', () => ''), /registered twice/);
});

t.test('Accept: quality first, then the order of the header; wildcards give the first format they cover', async (t) => {
  const chart = chartFormats.names;
  const cases: Array<[string, string | null]> = [
    ['image/png', 'png'],
    ['image/svg+xml', 'svg'],
    ['application/json, image/svg+xml', 'json'],
    ['image/svg+xml, application/json', 'svg'],
    ['image/png;q=0.5, image/svg+xml;q=0.9', 'svg'],
    ['image/*', 'svg'],
    ['image/*;q=0.5, image/png', 'png'],
    ['*/*', 'json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8', 'json'],
    ['image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8', 'svg'],
    ['*/*, application/json;q=0', 'svg'],
    ['text/plain', null],
    ['image/png;q=0', null],
    ['garbage', null],
  ];
  for (const [accept, format] of cases) t.equal(fromAccept(accept, chart), format, accept);
  t.equal(fromAccept('application/vnd.sdmx.data+csv; version=2.0.0', observationFormats.names), 'sdmx-csv');
  t.equal(fromAccept('application/vnd.sdmx.data+csv', observationFormats.names), 'sdmx-csv');
  t.equal(fromAccept('application/vnd.sdmx.data+csv; version=1.0.0', observationFormats.names), null, 'SDMX-CSV 1.0 is not what we write');
  t.equal(fromAccept('text/csv', observationFormats.names), 'csv');
});

t.test('precedence: path extension, then format=, then Accept; no choice is JSON', async (t) => {
  t.equal(negotiate(reportFormats, { extension: 'docx', format: 'md', accept: 'text/html' }), 'docx');
  t.equal(negotiate(reportFormats, { format: 'md', accept: 'text/html' }), 'md');
  t.equal(negotiate(reportFormats, { accept: 'text/html' }), 'html');
  t.equal(negotiate(reportFormats, {}), 'json');
  t.equal(negotiate(reportFormats, { accept: '' }), 'json');
});

t.test('an unknown named format is a 400 naming the field; an Accept that names none is a 406', async (t) => {
  t.same(refusal(() => negotiate(rankingFormats, { format: 'png' })), { status: 400, field: 'format' });
  t.same(refusal(() => negotiate(reportFormats, { extension: 'pdf' })), { status: 400, field: 'file' });
  t.same(refusal(() => negotiate(rankingFormats, { accept: 'image/png' })), { status: 406, field: 'accept' });
});
