/**
 * A fresh machine without fonts-noto-cjk: the main command still starts,
 * says once at start which package to install, serves everything else, and
 * answers PNG with a 503 that says the same.
 */
import t from 'tap';
import { ServiceProcess } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

t.test('the service starts without the CJK font and names the package', async (t) => {
  const service = await ServiceProcess.start(t, { DATA_DIR: tempDir(t), CJK_FONT_FILES: '/nonexistent/NotoSansCJK-Regular.ttc' });
  const chart = `${service.url}/v1/charts/scorecard?region=331023&period=2022-06`;
  t.equal((await fetch(`${chart}&format=svg`)).status, 200, 'SVG charts as before');
  const png = await fetch(`${chart}&format=png`);
  t.equal(png.status, 503);
  t.match((await png.json()).message, /apt-get install fonts-noto-cjk/);
  await fetch(`${chart}&format=png`);
  const said = service.lines.filter((line) => line.includes('fonts-noto-cjk') && line.includes('"level":40'));
  t.equal(said.length, 1, `said once, at start, as a warning: ${said.join('\n')}`);
  t.match(said[0], /\/nonexistent\/NotoSansCJK-Regular\.ttc/, 'naming the file it looked for');
});
