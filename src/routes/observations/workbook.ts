/**
 * An .xlsx body on POST /v1/observations: read in a worker (services/xlsx),
 * then ingested as CSV and JSON rows are, with every detail and warning
 * naming the sheet its row is on.
 */
import type { FastifyInstance } from 'fastify';
import { API_DOCS } from '../../domain/words/api-docs.ts';
import { ApiError } from '../../errors.ts';
import type { IngestOptions, IngestResult } from '../../services/ingest.ts';
import { onSheet, WorkbookReader, XLSX_TYPE } from '../../services/xlsx/reader.ts';

/** .xlsx, and the legacy .xls type so that an .xls post hears to save it as .xlsx. */
export const WORKBOOK_TYPES = [XLSX_TYPE, 'application/vnd.ms-excel'];

export const WORKBOOK_DESCRIPTION = [
  `An Excel workbook (\`${XLSX_TYPE}\`) is read like CSV: the first sheet, or \`?sheet=<name>\`; the same headers (English or Chinese);`,
  'numeric cells as numbers, a code typed as a number (331002) as the code "331002", a period as a date cell (its month) or as text',
  API_DOCS.workbookPeriods,
  'a vertically merged cell counts for every row it spans; blank rows and columns, and up to ten title lines above the header, are skipped.',
  'For a workbook, `details[].row` and `warnings[].row` are the row numbers Excel shows and `details[].sheet` names the sheet.',
  'Legacy .xls/.et and encrypted workbooks are a 415 (save as .xlsx); a workbook that would inflate past the body limit,',
  'holds more than a few thousand files, or needs too much memory or time to read is a 413.',
].join(' ');

const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

export interface PostedWorkbook {
  ingest(options: IngestOptions): Promise<IngestResult & { warnings: Array<IngestResult['warnings'][number] & { sheet: string }> }>;
}

/** The reader of posted workbooks, and what a post's body is: a workbook to ingest, or null for JSON and CSV. */
export function readWorkbookRows(app: FastifyInstance): (contentType: string | undefined, body: unknown, sheet: string | null) => Promise<PostedWorkbook | null> {
  const reader = new WorkbookReader({ inflateMb: app.config.MAX_BODY_MB });
  app.addHook('onClose', async () => reader.close());
  return async (contentType, body, sheet) => {
    if (!WORKBOOK_TYPES.includes(mediaType(contentType))) {
      if (sheet === null) return null;
      throw new ApiError('validation_failed', 'sheet applies to an .xlsx body only', { details: [{ field: 'sheet', message: 'only for an .xlsx body' }] });
    }
    const records = await reader.read(body as Buffer, sheet);
    return {
      async ingest(options) {
        try {
          const result = await app.services.ingest.ingest(records, options);
          return { ...result, warnings: result.warnings.map((w) => ({ sheet: records.sheet, ...w })) };
        } catch (error) {
          throw error instanceof ApiError ? onSheet(error, records.sheet) : error;
        }
      },
    };
  };
}
