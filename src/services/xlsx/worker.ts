/**
 * The parsing worker: one workbook, then it is done. Whatever the file
 * does to it (memory, time) stays here; the main thread ends it.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../errors.ts';
import { XLSX_ROWS_PER_MESSAGE, XLSX_WORKER_NICE } from './limits.ts';
import type { ParseJob, ParseReply } from './protocol.ts';
import { sheetRows } from './rows.ts';
import { packRows, transferables } from './transfer.ts';
import { openSheet } from './workbook.ts';

// Only where the priority is the thread's own: elsewhere it would lower the whole service's.
if (process.platform === 'linux') {
  try {
    setPriority(XLSX_WORKER_NICE);
  } catch {
    // Not permitted here: parse at the service's own priority.
  }
}

const port = parentPort!;
const reply = (message: ParseReply) => port.postMessage(message);

/** The main thread asks for each next part once it has converted the last: one part per turn of its event loop. */
const next = () => new Promise<void>((resolve) => port.once('message', () => resolve()));

port.once('message', async (job: ParseJob) => {
  let sheet: string | undefined;
  try {
    const opened = openSheet(new Uint8Array(job.bytes), { inflateMb: job.inflateMb, maxEntries: job.maxEntries, sheet: job.sheet });
    sheet = opened.name;
    const rows = sheetRows(opened);
    reply({ type: 'head', sheet: rows.sheet, columns: rows.columns });
    const width = rows.columns.length;
    for (let from = 0; from < rows.numbers.length; from += XLSX_ROWS_PER_MESSAGE) {
      const to = Math.min(rows.numbers.length, from + XLSX_ROWS_PER_MESSAGE);
      const packed = packRows(rows.numbers, rows.cells, width, from, to);
      port.postMessage({ type: 'rows', ...packed } satisfies ParseReply, transferables(packed));
      await next();
    }
    reply({ type: 'end' });
  } catch (error) {
    if (error instanceof ApiError) {
      const details = sheet === undefined ? error.details : error.details?.map((d) => (d.row === undefined ? d : { sheet, ...d }));
      reply({ type: 'fault', code: error.code, message: error.message, ...(details === undefined ? {} : { details, detailsTotal: error.detailsTotal ?? details.length }) });
    } else {
      const message = (error as Error)?.message ?? String(error);
      reply({ type: 'fault', code: 'bad_request', message: `the workbook could not be read (${message}); save it again as .xlsx in Excel or WPS`, details: [{ field: 'body', message }] });
    }
  }
});
