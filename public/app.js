// The dashboard: choose region, peers, indicator, month and metric; the four charts follow.
'use strict';

const $ = (id) => document.getElementById(id);
const api = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${(await response.json().catch(() => ({}))).message ?? ''}`);
  return response.json();
};
const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();

let catalog = { regions: [], groups: [], indicators: [] };

function peerParams() {
  const [kind, code] = $('peers').value.split(':');
  return kind === 'group' ? { group: code } : { parent: code };
}

function fillPeers() {
  const region = catalog.regions.find((r) => r.code === $('region').value);
  const select = $('peers');
  select.replaceChildren();
  if (region?.parent) {
    const parent = catalog.regions.find((r) => r.code === region.parent);
    select.append(option(`parent:${region.parent}`, `${parent?.name ?? region.parent}所辖地区`));
  }
  for (const g of catalog.groups.filter((g) => g.members.includes(region?.code))) select.append(option(`group:${g.code}`, g.name));
}

async function fillPeriods() {
  const series = await api(`/v1/series?${query({ indicator: $('indicator').value, region: $('region').value })}`);
  const select = $('period');
  const keep = select.value;
  select.replaceChildren(...series.points.map((p) => p.period).reverse().map((p) => option(p, p)));
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}

// Every chart is also a download: the same URL as PNG (twice the pixels) or SVG.
function downloads(name, path) {
  $(`dl-${name}-png`).href = `${path}&format=png`;
  $(`dl-${name}-svg`).href = `${path}&format=svg`;
}

// The month's report as a Word document, when one has been generated.
async function reportLink(region, period) {
  const { reports } = await api(`/v1/reports?${query({ region, period })}`);
  const link = $('dl-report');
  link.hidden = reports.length === 0;
  $('no-report').hidden = reports.length > 0;
  link.href = `/v1/reports/${encodeURIComponent(region)}/${period}.docx`;
}

async function embed(id, path) {
  downloads(id.replace(/^chart-/, ''), path);
  const target = $(id);
  try {
    await vegaEmbed(target, path, { renderer: 'svg', actions: false });
  } catch (error) {
    target.textContent = `图表无法显示:${error.message}`;
  }
}

async function draw() {
  $('status').textContent = '';
  const indicator = $('indicator').value;
  const region = $('region').value;
  const period = $('period').value;
  const by = $('by').value;
  if (!indicator || !region) return;
  if (!period) {
    $('status').textContent = '该地区此指标暂无数据';
    return;
  }
  const peers = peerParams();
  const from = `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
  $('dl-ranking-xlsx').href = `/v1/rankings?${query({ indicator, period, by, ...peers, format: 'xlsx' })}`;
  await Promise.all([
    reportLink(region, period).catch((error) => { $('status').textContent = error.message; }),
    embed('chart-ranking', `/v1/charts/ranking?${query({ indicator, period, by, highlight: region, ...peers })}`),
    embed('chart-trend', `/v1/charts/trend?${query({ indicator, region, from, to: period, measure: by })}`),
    embed('chart-rank-history', `/v1/charts/rank-history?${query({ indicator, by, highlight: region, from, to: period, ...peers })}`),
    embed('chart-scorecard', `/v1/charts/scorecard?${query({ region, period, ...peers })}`),
  ]);
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn ?? 0) + 1);
}

async function start() {
  const [regions, groups, indicators] = await Promise.all([api('/v1/regions'), api('/v1/groups'), api('/v1/indicators')]);
  catalog = { regions: regions.regions, groups: groups.groups, indicators: indicators.indicators };
  $('region').replaceChildren(...catalog.regions.filter((r) => r.parent).map((r) => option(r.code, r.name)));
  $('indicator').replaceChildren(...catalog.indicators.map((i) => option(i.code, i.name)));
  const params = new URLSearchParams(location.search);
  for (const key of ['region', 'indicator', 'by']) if (params.has(key)) $(key).value = params.get(key);
  fillPeers();
  await fillPeriods();
  if (params.has('period')) $('period').value = params.get('period');
  $('region').addEventListener('change', async () => { fillPeers(); await fillPeriods(); await draw(); });
  $('indicator').addEventListener('change', async () => { await fillPeriods(); await draw(); });
  for (const id of ['peers', 'period', 'by']) $(id).addEventListener('change', draw);
  await draw();
}

window.addEventListener('DOMContentLoaded', () => start().catch((error) => { $('status').textContent = error.message; }));
