/**
 * One uploaded template checked in a thread of its own (checker.ts): the
 * package read under its budget, the tags against the fields, then the
 * example report rendered through it. Whatever the file does costs this
 * thread, which is ended after one check.
 */
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../errors.ts';
import { readDocxPackage } from './docx-package.ts';
import { renderDocx } from './docx-render.ts';
import { checkDocxTags, TEMPLATED_PARTS } from './docx-tags.ts';
import { exampleData, exampleReport } from './example.ts';
import { checkLiquid } from './liquid.ts';
import { flatData } from './model.ts';
import type { CheckJob, CheckReply } from './check-protocol.ts';

async function check(job: CheckJob): Promise<string[]> {
  const bytes = new Uint8Array(job.bytes);
  if (job.kind === 'docx') {
    const files = readDocxPackage(bytes);
    const parts = [...files].filter(([name]) => TEMPLATED_PARTS.test(name)).map(([part, data]) => ({ part, xml: data.toString('utf8') }));
    const tags = checkDocxTags(parts);
    const { record } = exampleReport();
    renderDocx(bytes, flatData(exampleData('docx')), { title: 'example', generatedAt: record.generatedAt, version: record.version });
    return tags;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('bad_request', 'the template is not UTF-8 text: save it as UTF-8', { details: [{ field: 'template', message: 'not UTF-8' }] });
  }
  return checkLiquid(job.kind, text, exampleData(job.kind) as never);
}

parentPort!.once('message', (job: CheckJob) => {
  check(job).then(
    (tags) => parentPort!.postMessage({ ok: true, tags } satisfies CheckReply),
    (error: unknown) => {
      const reply: CheckReply = error instanceof ApiError
        ? { ok: false, code: error.code, message: error.message, details: error.details ?? [] }
        : { ok: false, code: 'bad_request', message: `the template cannot be read: ${(error as Error).message ?? String(error)}`, details: [{ field: 'template', message: 'unreadable' }] };
      parentPort!.postMessage(reply);
    },
  );
});
