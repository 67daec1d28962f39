/**
 * DATA_DIR holds figures before their release, the admin token and the
 * store's secrets: it and the service's files in it are its owner's alone
 * (0700, 0600), whatever the umask. A folder or file found looser is
 * tightened, and said so; one that cannot be (another user's, a read-only
 * mount) is left as it is, and said so.
 */
import { chmodSync, closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;
/** Beside an SQLite file, the files SQLite makes while it is open (WAL, shared memory, rollback journal). */
export const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'] as const;
/** The admin token the first start generates when API_TOKENS is unset (plugins/auth.ts). */
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface ModeChange {
  path: string;
  /** Permission bits found (e.g. 0o755). */
  from: number;
  to: number;
  /** Set when the mode could not be changed: why. */
  failed?: string;
}

/** Octal, as `ls` and `chmod` write it. */
export const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/** Group and others lose every permission; the owner's are kept (a read-only file stays read-only). */
function tighten(path: string, mode: number, changes: ModeChange[]): void {
  const from = mode & 0o7777;
  if ((from & 0o077) === 0) return;
  const to = from & 0o700;
  try {
    chmodSync(path, to);
    changes.push({ path, from, to });
  } catch (error) {
    changes.push({ path, from, to, failed: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

/** The folder, created 0700 (with its missing parents), or an existing one tightened to its owner's. */
export function privateDir(dir: string, changes: ModeChange[] = []): ModeChange[] {
  const created = mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  // The mode given to mkdir passes through the umask: set it outright.
  if (created !== undefined) chmodSync(dir, DATA_DIR_MODE);
  else tighten(dir, statSync(dir).mode, changes);
  return changes;
}

/**
 * A file of the service's, created empty 0600 when `create` and missing, or
 * tightened to its owner's when it exists.
 */
export function privateFile(path: string, create: boolean, changes: ModeChange[] = []): ModeChange[] {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return changes;
    // O_EXCL: made here, so its mode is set outright and nothing is reported.
    try {
      closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, DATA_FILE_MODE));
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      return privateFile(path, false, changes);
    }
    chmodSync(path, DATA_FILE_MODE);
    return changes;
  }
  tighten(path, mode, changes);
  return changes;
}

/**
 * The SQLite file, created 0600 before SQLite opens it: SQLite gives its
 * WAL and shared-memory files the database file's mode. Companions left
 * by an earlier run are made 0600 too.
 */
export function privateSqliteFile(file: string, changes: ModeChange[] = []): ModeChange[] {
  privateFile(file, true, changes);
  for (const suffix of SQLITE_COMPANIONS) privateFile(`${file}${suffix}`, false, changes);
  return changes;
}

/** DATA_DIR and the files of the service's in it that exist (`names`, SQLite's companions included), tightened. */
export function privateDataDir(dir: string, names: readonly string[]): ModeChange[] {
  const changes = privateDir(dir);
  for (const name of names) privateFile(join(dir, name), false, changes);
  return changes;
}

/** A sentence for the log about one change. */
export function modeChangeText(change: ModeChange): string {
  return change.failed === undefined
    ? `${change.path} was open to other users (${octal(change.from)}): made ${octal(change.to)}, its owner's only`
    : `${change.path} is open to other users (${octal(change.from)}) and could not be made ${octal(change.to)} (${change.failed}): make it so, or move DATA_DIR`;
}
