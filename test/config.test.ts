import t from 'tap';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.ts';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.match(c, { PORT: 3000, HOST: '127.0.0.1', STORE: 'sqlite', DATA_DIR: './data', INFLUX_API: 'v2', PUBLIC_READ: true, REPORT_CRON: '0 9 15 * *', REPORT_TZ: 'Asia/Shanghai', REPORTS_ENABLED: true, API_TOKENS: null, REPORT_REGIONS: null });
});

t.test('a bad value stops the start naming the variable', async (t) => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ STORE: 'postgres' }, /STORE/],
    [{ STORE: 'influxdb' }, /INFLUX_URL/],
    [{ STORE: 'influxdb', INFLUX_URL: 'http://x:8086' }, /INFLUX_DATABASE/],
    [{ INFLUX_URL: 'not a url' }, /INFLUX_URL/],
    [{ INFLUX_API: 'v4' }, /INFLUX_API/],
    [{ PUBLIC_READ: 'maybe' }, /PUBLIC_READ/],
    [{ API_TOKENS: 'root:abcdefghijklmnopqrstuvwxyz' }, /API_TOKENS/],
    [{ API_TOKENS: 'admin:short' }, /API_TOKENS.*shorter/],
    [{ REPORT_TZ: 'Mars/Olympus' }, /REPORT_TZ/],
    [{ REPORT_CRON: 'every monday' }, /REPORT_CRON/],
    [{ REPORT_REGIONS: '331023,bad code' }, /REPORT_REGIONS/],
    [{ MAX_ROWS: '10' }, /MAX_ROWS/],
  ];
  for (const [env, pattern] of bad) {
    t.throws(() => loadConfig(env), ConfigError, JSON.stringify(env));
    try {
      loadConfig(env);
    } catch (error) {
      t.match((error as Error).message, pattern, JSON.stringify(env));
    }
  }
});

t.test('tokens with roles and holder names', async (t) => {
  const c = loadConfig({ API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaa, writer:bureau:bbbbbbbbbbbbbbbbbbbb,reader:cccccccccccccccccccc' });
  t.same(c.API_TOKENS, [
    { role: 'admin', name: 'admin', token: 'aaaaaaaaaaaaaaaaaaaa' },
    { role: 'writer', name: 'bureau', token: 'bbbbbbbbbbbbbbbbbbbb' },
    { role: 'reader', name: 'reader', token: 'cccccccccccccccccccc' },
  ]);
  t.ok(CONFIG_VARIABLES.includes('INFLUX_TOKEN'));
});

t.test('the service refuses to start on a bad variable, naming it', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: 'eighty', STORE: 'sqlite', DATA_DIR: '/nonexistent-never-created' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(run.status, 1, 'exits with 1');
  t.match(run.stderr, /cannot start: invalid configuration:[\s\S]*PORT must be an integer/);
});
