/** The writer thread: one connection that does every write to the store file. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { prepareDatabase, WRITER_CACHE_KIB } from './schema.ts';
import { saveTargets } from './targets.ts';
import { sliceKey, Writer } from './writer.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

const db = new Database((workerData as { file: string }).file);
prepareDatabase(db, WRITER_CACHE_KIB);
const writer = new Writer(db);
const port = parentPort!;

/** A batch whose rows failed to insert: reported at its commit, after the rollback. */
let failed: Error | null = null;

port.on('message', (message: WorkerRequest) => {
  const reply = (r: WorkerReply) => port.postMessage(r);
  try {
    switch (message.type) {
      case 'begin':
        failed = null;
        writer.begin(message.receivedAt, message.by, message.dryRun);
        return;
      case 'rows':
        // Rows are streamed without replies; a failure waits for the commit to be told.
        if (failed === null) {
          try {
            writer.insert(message.rows);
          } catch (error) {
            failed = error as Error;
          }
        }
        return;
      case 'commit':
        if (failed !== null) {
          writer.rollback();
          const error = failed;
          failed = null;
          throw error;
        }
        reply({ type: 'done', id: message.id, ...writer.commit() });
        return;
      case 'abort':
        writer.rollback();
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'catalog':
        writer.saveCatalog(message.changes);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'targets':
        saveTargets(db, message.targets);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'reports':
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [], result: writer.saveReports(message.reports) });
        return;
      case 'claim':
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [], result: writer.claim(message.key, message.slot) });
        return;
      case 'withdraw': {
        const version = writer.withdraw(message.indicator, message.period, message.region, message.receivedAt, message.by, message.reason, message.note);
        const slices = version === null ? [] : [sliceKey(message.indicator, message.period)];
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices, result: version });
        return;
      }
      case 'releases':
        writer.saveReleases(message.releases);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'save-token':
        writer.saveToken(message.token);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'revoke-token':
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [], result: writer.revokeToken(message.token, message.at) });
        return;
      case 'touch-tokens':
        writer.touchTokens(message.uses);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'access':
        writer.appendAccess(message.entries);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'review':
        writer.saveReview(message.decision);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'save-template':
        writer.saveTemplate(message.template);
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        return;
      case 'delete-templates':
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [], result: writer.deleteTemplates(message.name, message.kind) });
        return;
      case 'close':
        writer.rollback();
        db.close();
        reply({ type: 'done', id: message.id, counts: { created: 0, revised: 0, unchanged: 0 }, slices: [] });
        port.close();
    }
  } catch (error) {
    const e = error as Error & { code?: string };
    reply({ type: 'failed', id: message.id, message: e.message, code: e.code ?? null });
  }
});
