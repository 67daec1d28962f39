/**
 * better-sqlite3 is compiled for one Node ABI. With more than one Node on a
 * machine (CI runs the suite on Node 24 and on the machine's own), an
 * install made under the other one fails every SQLite test; this says so
 * once, with the command that fixes it, before the run starts.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Returns null when the addon loads under this Node, else what to do. */
export function nativeAddonProblem(): string | null {
  try {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    new Database(':memory:').close();
    return null;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'ERR_DLOPEN_FAILED') throw error;
    const built = /using\s+NODE_MODULE_VERSION (\d+)/.exec(e.message)?.[1];
    return [
      `better-sqlite3 was built for another Node${built === undefined ? '' : ` (ABI ${built})`}; this is Node ${process.version} (ABI ${process.versions.modules}).`,
      'Rebuild it for this Node, then run npm test again:',
      '  npm rebuild better-sqlite3',
      "(with npm_config_nodedir set to this Node's headers if node-gyp cannot download them; .ci/run shows how)",
    ].join('\n');
  }
}
