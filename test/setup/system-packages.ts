/**
 * The system packages the tests need (test/system-packages.txt): which are
 * missing, and what to do about it. Installing is for root on Debian, the
 * machines CI runs on; anyone else is told the exact command and the test
 * run stops before it starts, instead of failing test by test minutes later.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export const PACKAGE_LIST = 'test/system-packages.txt';

export interface SystemPackage {
  /** Debian's name for it. */
  name: string;
  /** What the tests use: a command looked up on PATH, or an absolute file path. */
  uses: string;
  why: string;
}

export function parsePackageList(text: string): SystemPackage[] {
  const packages: SystemPackage[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+)\s+(\S+)\s+(\S.*)$/.exec(line);
    if (match === null) throw new Error(`${PACKAGE_LIST}:${index + 1}: expected "package  command-or-file  why", got "${line}"`);
    packages.push({ name: match[1]!, uses: match[2]!, why: match[3]! });
  }
  return packages;
}

/** An absolute path must exist; a bare name must be an executable file in one of PATH's directories. */
export function isPresent(uses: string, path = process.env.PATH ?? ''): boolean {
  if (isAbsolute(uses)) return existsSync(uses);
  return path.split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, uses), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Machine {
  root: boolean;
  /** apt-get is there to install with. */
  debian: boolean;
}

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; commands: string[][] }
  | { kind: 'tell'; message: string };

const APT_INSTALL = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends'];

/** What to do about the missing packages: nothing, install them, or tell the reader what to install. */
export function planFor(missing: SystemPackage[], machine: Machine): Plan {
  if (missing.length === 0) return { kind: 'ready' };
  const names = missing.map((p) => p.name);
  if (machine.debian && machine.root) return { kind: 'install', commands: [['apt-get', 'update', '-qq'], [...APT_INSTALL, ...names]] };
  const lines = [
    'The tests need system packages that are not installed:',
    ...missing.map((p) => `  ${p.name}: ${p.uses} (${p.why})`),
  ];
  if (machine.debian) {
    lines.push('Install them (as root; npm test does this itself when run as root), then run npm test again:');
    lines.push(`  sudo apt-get update && sudo ${[...APT_INSTALL.filter((a) => a !== '-qq'), ...names].join(' ')}`);
  } else {
    lines.push('These are Debian\'s package names: install what provides each of the commands or files above, then run npm test again.');
  }
  return { kind: 'tell', message: lines.join('\n') };
}

export function thisMachine(): Machine {
  return { root: process.getuid?.() === 0, debian: existsSync('/etc/debian_version') && isPresent('apt-get') };
}

/** Brings the system to what `listFile` asks for; returns false (having said why) when it could not. */
export function ensureSystemPackages(listFile = PACKAGE_LIST, machine = thisMachine()): boolean {
  const packages = parsePackageList(readFileSync(listFile, 'utf8'));
  const missing = () => packages.filter((p) => !isPresent(p.uses));
  const plan = planFor(missing(), machine);
  if (plan.kind === 'ready') return true;
  if (plan.kind === 'tell') {
    console.error(plan.message);
    return false;
  }
  console.log(`Installing the system packages the tests need: ${plan.commands.at(-1)!.slice(APT_INSTALL.length).join(' ')}`);
  for (const [command, ...args] of plan.commands) {
    const run = spawnSync(command!, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) {
      console.error(`${[command, ...args].join(' ')} failed (${run.error?.message ?? `exit ${run.status}`})`);
      return false;
    }
  }
  const still = missing();
  if (still.length > 0) {
    console.error(`Installed, yet still missing: ${still.map((p) => `${p.uses} (from ${p.name})`).join(', ')}`);
    return false;
  }
  return true;
}
