/** No Docker engine runs here: the compose file and its parts are checked by reading them. */
import { readFileSync, statSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.ts';

const compose = parse(readFileSync('docker-compose.yml', 'utf8'));

t.test('the service is wired to InfluxDB with the variables the config accepts', async (t) => {
  const env: Record<string, string> = compose.services.service.environment;
  for (const name of Object.keys(env)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is a variable the service reads`);
  t.equal(env.STORE, 'influxdb');
  t.match(env.INFLUX_URL, /^http:\/\/influxdb:8086$/, 'reaches the influxdb service by name');
  t.equal(env.INFLUX_DATABASE, compose.services.influxdb.environment.DOCKER_INFLUXDB_INIT_BUCKET, 'the bucket InfluxDB creates');
  t.equal(env.INFLUX_ORG, compose.services.influxdb.environment.DOCKER_INFLUXDB_INIT_ORG);
  // The values, with the secrets filled in, pass the service's own validation.
  const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[^}]+\}/, 'x'.repeat(24))]));
  t.doesNotThrow(() => loadConfig({ ...filled, API_TOKENS: '' }), 'the service would start with them');
});

t.test('InfluxDB 2.7 with a named volume, a healthcheck, and long shards', async (t) => {
  t.match(compose.services.influxdb.image, /^influxdb:2\.7/);
  t.ok(compose.services.influxdb.healthcheck.test, 'influxdb healthcheck');
  t.ok(compose.services.service.healthcheck.test.join(' ').includes('/readyz'), 'the service is healthy when ready');
  t.equal(compose.services.service.depends_on.influxdb.condition, 'service_healthy');
  t.ok('influxdb-data' in compose.volumes, 'named volume for InfluxDB');
  t.ok(compose.services.influxdb.volumes.includes('influxdb-data:/var/lib/influxdb2'));
  t.equal(compose.services.influxdb.environment.DOCKER_INFLUXDB_INIT_RETENTION, '0', 'figures are never expired');
  const init = compose.services.influxdb.volumes.find((v: string) => v.includes('docker-entrypoint-initdb.d'));
  const script = readFileSync(init.split(':')[0], 'utf8');
  t.match(script, /--shard-group-duration 520w/, 'ten-year shard groups');
  t.match(script, /v1 dbrp create/, 'a DBRP mapping for InfluxQL');
  t.ok(statSync(init.split(':')[0]).mode & 0o111, 'the init script is executable');
});

t.test('the image builds the service as npm start runs it', async (t) => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  t.match(dockerfile, /npm ci/);
  t.match(dockerfile, /COPY queries/, 'the InfluxQL files ship with it');
  t.match(dockerfile, /COPY templates/, 'the built-in report templates ship with it');
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const cmd = JSON.parse(/CMD (\[.*\])/.exec(dockerfile)![1]!) as string[];
  t.equal(cmd.join(' '), start, 'the same command line as npm start');
});

t.test('readers on the same InfluxDB send their writes to the one writer', async (t) => {
  const reader = compose.services.reader;
  const env: Record<string, string> = reader.environment;
  for (const name of Object.keys(env)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is a variable the service reads`);
  t.same(reader.profiles, ['readers'], 'started only when asked for');
  t.equal(env.WRITER_URL, `http://service:${compose.services.service.environment.PORT}`, 'the writer by its service name and port');
  for (const name of ['STORE', 'INFLUX_URL', 'INFLUX_ORG', 'INFLUX_DATABASE', 'INFLUX_API', 'INFLUX_TOKEN', 'API_TOKENS', 'METRICS_TOKEN']) {
    t.equal(env[name], compose.services.service.environment[name], `${name} as the writer has it`);
  }
  t.ok(reader.volumes.includes('service-data:/data:ro'), "the writer's generated token, read only");
  t.equal(reader.depends_on.service.condition, 'service_healthy');
  const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[^}]+\}/, 'x'.repeat(24))]));
  t.equal(loadConfig({ ...filled, API_TOKENS: '' }).WRITER_URL, 'http://service:3000', 'the service would start with them');
});

t.test('Prometheus scrapes GET /metrics of the service with METRICS_TOKEN', async (t) => {
  const prometheus = compose.services.prometheus;
  t.match(prometheus.image, /^prom\/prometheus:v3\./);
  t.same(prometheus.profiles, ['monitoring'], 'started only when asked for');
  t.equal(prometheus.depends_on.service.condition, 'service_healthy');
  t.ok(prometheus.volumes.includes('prometheus-data:/prometheus') && 'prometheus-data' in compose.volumes, 'its data in a named volume');
  const mount = prometheus.volumes.find((v: string) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'));
  t.ok(prometheus.command.includes('--config.file=/etc/prometheus/prometheus.yml'), 'reads the mounted configuration');
  const config = parse(readFileSync(mount.split(':')[0], 'utf8'));
  t.equal(config.scrape_configs.length, 1, 'one job, the readers\' left commented out');
  const [job] = config.scrape_configs;
  t.equal(job.metrics_path, '/metrics', 'the path the service answers metrics on');
  t.same(job.static_configs[0].targets, [`service:${compose.services.service.environment.PORT}`], 'the service by its name and port');
  // The token: from the environment, through a compose secret, to the file the job reads.
  t.equal(job.authorization.type, 'Bearer');
  t.equal(job.authorization.credentials_file, '/run/secrets/metrics_token');
  t.same(prometheus.secrets, ['metrics_token']);
  t.equal(compose.secrets.metrics_token.environment, 'METRICS_TOKEN');
  // eslint-disable-next-line no-template-curly-in-string -- compose's own interpolation, as written in the file
  t.equal(compose.services.service.environment.METRICS_TOKEN, '${METRICS_TOKEN:-}', 'the service takes the same token');
  t.ok(CONFIG_VARIABLES.includes('METRICS_TOKEN'));
});
