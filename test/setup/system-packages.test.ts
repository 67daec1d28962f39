/**
 * npm test's set-up of system packages. Installing for real would change the
 * machine under every other test, so the end-to-end run puts a stand-in
 * apt-get first on PATH that records what it was asked and "installs" by
 * creating the file the list names; the real apt-get runs in .ci/run on a
 * fresh machine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import t from 'tap';
import { PACKAGE_LIST, isPresent, parsePackageList, planFor, type SystemPackage } from './system-packages.ts';
import { tempDir } from '../helpers/tmp.ts';

const listed = parsePackageList(readFileSync(PACKAGE_LIST, 'utf8'));

t.test('the list names each package once, with what the tests use and why', async (t) => {
  const names = listed.map((p) => p.name);
  t.same(new Set(names).size, names.length, 'no package twice');
  for (const name of ['influxdb', 'chromium', 'fonts-noto-cjk']) t.ok(names.includes(name), name);
  t.equal(listed.find((p) => p.name === 'chromium')?.uses, '/usr/bin/chromium', 'the path the dashboard test launches');
  t.throws(() => parsePackageList('# fine\ninfluxdb influxd\n'), /system-packages\.txt:2: expected/, 'a line without a reason is refused by number');
});

t.test('every listed package is present once npm test has set up', async (t) => {
  for (const p of listed) t.ok(isPresent(p.uses), `${p.uses} (${p.name})`);
});

t.test('present: an absolute path exists, a bare name is an executable on PATH', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'plain'), '');
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'tool'), 0o755);
  t.ok(isPresent(join(dir, 'plain')));
  t.notOk(isPresent(join(dir, 'absent')));
  t.ok(isPresent('tool', `/nonexistent${delimiter}${dir}`));
  t.notOk(isPresent('plain', dir), 'a file that is not executable is not a command');
  t.notOk(isPresent('tool', ''), 'not on an empty PATH');
});

const influx: SystemPackage = { name: 'influxdb', uses: 'influxd', why: 'servers' };
const fonts: SystemPackage = { name: 'fonts-noto-cjk', uses: '/usr/share/fonts/x.ttc', why: 'Chinese text' };

t.test('what to do about missing packages', async (t) => {
  t.same(planFor([], { root: false, debian: false }), { kind: 'ready' });
  t.same(planFor([influx, fonts], { root: true, debian: true }), {
    kind: 'install',
    commands: [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'influxdb', 'fonts-noto-cjk']],
  }, 'root on Debian: one update, then one install of all of them');

  const sudo = planFor([influx, fonts], { root: false, debian: true });
  t.equal(sudo.kind, 'tell');
  if (sudo.kind === 'tell') {
    t.match(sudo.message, 'influxdb: influxd (servers)');
    t.match(sudo.message, 'fonts-noto-cjk: /usr/share/fonts/x.ttc (Chinese text)');
    t.match(sudo.message, '\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends influxdb fonts-noto-cjk');
  }
  const elsewhere = planFor([influx], { root: true, debian: false });
  t.equal(elsewhere.kind, 'tell', 'no apt-get: told, never guessed at');
  if (elsewhere.kind === 'tell') t.match(elsewhere.message, /Debian's package names.*commands or files above/);
});

t.test('npm test set-up, end to end, on a list with one package missing', async (t) => {
  const dir = tempDir(t);
  const provides = join(dir, 'provided-by-test-only-pkg');
  const list = join(dir, 'packages.txt');
  writeFileSync(list, `# test list\ntest-only-pkg   ${provides}   a file the set-up must bring\n`);
  const bin = join(dir, 'bin');
  const log = join(dir, 'apt.log');
  mkdirSync(bin);
  const fakeApt = (creates: boolean) => {
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$DEBIAN_FRONTEND $*" >> ${log}\n${creates ? `case "$1" in install) touch ${provides};; esac\n` : ''}exit 0\n`);
    chmodSync(join(bin, 'apt-get'), 0o755);
  };
  const prepare = () =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/setup/prepare.ts', list], {
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
      encoding: 'utf8',
      timeout: 60_000,
    });

  if (process.getuid?.() !== 0) {
    fakeApt(true);
    const run = prepare();
    t.equal(run.status, 1, 'not root: stops');
    t.match(run.stderr, 'sudo apt-get update && sudo apt-get install -y --no-install-recommends test-only-pkg');
    t.notOk(isPresent(provides), 'nothing installed');
    return;
  }

  fakeApt(false);
  const failed = prepare();
  t.equal(failed.status, 1, 'an install that leaves the file missing stops the run');
  t.match(failed.stderr, `still missing: ${provides} (from test-only-pkg)`);

  writeFileSync(log, '');
  fakeApt(true);
  const run = prepare();
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, 'Installing the system packages the tests need: test-only-pkg');
  t.equal(readFileSync(log, 'utf8'), 'noninteractive update -qq\nnoninteractive install -y -qq --no-install-recommends test-only-pkg\n', 'apt-get update once, then install');
  t.ok(isPresent(provides));

  writeFileSync(log, '');
  const again = prepare();
  t.equal(again.status, 0);
  t.equal(readFileSync(log, 'utf8'), '', 'nothing missing: apt-get is not run');
});
