/**
 * The rendering thread: builds the answers that cost a core for long
 * (workbooks, Word and HTML reports with their charts) away from the event
 * loop, one job at a time, under the heap limit the pool gave it.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../errors.ts';
import { reportHtml } from '../reports/html.ts';
import { drawReportDocx } from '../reports/render.ts';
import { PngRenderer } from './png.ts';
import type { RenderJob, RenderReply } from './render-protocol.ts';
import { tableXlsx } from './xlsx.ts';

/** The event loop gets the cores first when it wakes, as for the workbook reader (XLSX_WORKER_NICE). */
const RENDER_NICE = 5;
// Only where the priority is the thread's own: elsewhere it would lower the whole service's.
if (process.platform === 'linux') {
  try {
    setPriority(RENDER_NICE);
  } catch {
    // Not permitted here: render at the service's own priority.
  }
}

/** PNG renderers by font files: each keeps the outlines of the texts it drew, from job to job. */
const renderers = new Map<string, PngRenderer>();

async function run(job: RenderJob, warnings: string[]): Promise<Uint8Array | string> {
  const warn = (w: string[]) => warnings.push(...w);
  switch (job.kind) {
    case 'xlsx':
      return tableXlsx(job.table);
    case 'report-html':
      return reportHtml(job.facts, job.record, job.timeZone, job.template);
    case 'report-docx': {
      const key = job.fontFiles.join('\n');
      let png = renderers.get(key);
      if (png === undefined) renderers.set(key, (png = new PngRenderer(job.fontFiles)));
      return drawReportDocx(job.facts, job.record, job.timeZone, png, job.scale, warn, job.template);
    }
  }
}

parentPort!.on('message', (job: RenderJob) => {
  const warnings: string[] = [];
  run(job, warnings).then(
    (result) => {
      // A small Buffer is a view of a shared pool: only bytes that own their memory are handed over.
      const body = typeof result === 'string' || (result.byteOffset === 0 && result.byteLength === result.buffer.byteLength) ? result : new Uint8Array(result);
      const reply: RenderReply = { id: job.id, ok: true, body, warnings };
      parentPort!.postMessage(reply, typeof body === 'string' ? [] : [body.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: RenderReply =
        error instanceof ApiError
          ? { id: job.id, ok: false, message: error.message, error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } }
          : { id: job.id, ok: false, message: error instanceof Error ? error.message : String(error) };
      parentPort!.postMessage(reply);
    },
  );
});
