// The dashboard: choose region, peers, indicator, month and metric; the four charts follow.
// The selection lives in the query string (region, parent or group, indicator, period, by),
// so a view can be shared and reloaded; opened without one, it shows a region with figures.
'use strict';

const $ = (id) => document.getElementById(id);
// A staff member's token, for this tab only (never in the address bar, where it would be shared with the view).
const TOKEN_KEY = 'regional-indicators-token';
const token = () => sessionStorage.getItem(TOKEN_KEY) ?? '';
const api = async (path) => {
  const headers = { accept: 'application/json', ...(token() ? { authorization: `Bearer ${token()}` } : {}) };
  const response = await fetch(path, { headers });
  if (!response.ok) throw Object.assign(new Error(`${path}: ${response.status} ${(await response.json().catch(() => ({}))).message ?? ''}`), { status: response.status });
  return response.json();
};
const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();
/** Regions tried, one series each, when the page opens without a selection: bounded for national catalogs. */
const DEFAULT_TRIES = 20;

let catalog = { regions: [], groups: [], indicators: [] };

function peerParams() {
  const [kind, code] = $('peers').value.split(':');
  if (!code) return {};
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

/** The selection as the query string says it; unknown values are left to the defaults. */
function selectionFromUrl() {
  const params = new URLSearchParams(location.search);
  const get = (key) => params.get(key) ?? undefined;
  return { region: get('region'), parent: get('parent'), group: get('group'), indicator: get('indicator'), period: get('period'), by: get('by') };
}

/** Write the selection into the address bar (no reload, no new history entry). */
function saveSelection() {
  const state = { region: $('region').value, ...peerParams(), indicator: $('indicator').value, period: $('period').value, by: $('by').value };
  history.replaceState(null, '', `${location.pathname}?${query(state)}`);
}

/**
 * With nothing chosen: the first region without children of its own (a
 * county) that has figures of the first indicator, at its latest month.
 */
async function defaultRegion(indicator) {
  const parents = new Set(catalog.regions.map((r) => r.parent).filter(Boolean));
  const candidates = catalog.regions.filter((r) => r.parent && !parents.has(r.code));
  for (const region of candidates.slice(0, DEFAULT_TRIES)) {
    const series = await api(`/v1/series?${query({ indicator, region: region.code })}`);
    if (series.points.length > 0) return region.code;
  }
  return candidates[0]?.code ?? catalog.regions.find((r) => r.parent)?.code;
}

const choose = (select, value) => {
  if (value !== undefined && [...select.options].some((o) => o.value === value)) select.value = value;
};

async function embed(id, path) {
  downloads(id.replace(/^chart-/, ''), path);
  const target = $(id);
  try {
    // The spec is fetched here, with the caller's token when there is one: vega-embed would ask anonymously.
    await vegaEmbed(target, await api(path), { renderer: 'svg', actions: false });
  } catch (error) {
    target.textContent = `图表无法显示:${error.message}`;
  }
}

const CHECK_NAMES = { completeness: '完整性', totals: '汇总核对', plausibility: '合理性', late: '超过发布时间' };

/**
 * For staff (a token that may read review sheets): the month's review
 * sheet, when its indicator is under review. The public never sees it:
 * the sheet needs a token, and its figures are not the public's.
 */
async function reviewPanel(indicator, period, peers) {
  const section = $('review');
  section.hidden = true;
  if (!token()) return;
  let sheet;
  try {
    sheet = await api(`/v1/review?${query({ indicator, period, ...peers })}`);
  } catch {
    return;
  }
  if (!sheet.review) return;
  const waiting = sheet.state !== 'approved' || sheet.pending > 0;
  $('review-state').textContent = waiting ? `待审核:${sheet.pending} 个版本等待批准` : `已批准(${sheet.approvals.at(-1)?.by ?? ''})`;
  $('review-state').className = waiting ? 'waiting' : 'approved';
  $('review-checks').replaceChildren(
    ...sheet.checks.map((c) => Object.assign(document.createElement('li'), { className: c.severity, textContent: `${CHECK_NAMES[c.check] ?? c.check}:${c.message}` })),
  );
  $('review-counts').textContent = `错误 ${sheet.counts.errors} 项,提示 ${sheet.counts.warnings} 项`;
  section.hidden = false;
}

function signIn() {
  $('token').value = '';
  $('signed-in').hidden = !token();
  $('use-token').addEventListener('click', async () => {
    const value = $('token').value.trim();
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
    $('token').value = '';
    $('signed-in').hidden = !token();
    await fillPeriods();
    await draw();
  });
}

async function draw() {
  $('status').textContent = '';
  const indicator = $('indicator').value;
  const region = $('region').value;
  const period = $('period').value;
  const by = $('by').value;
  if (!indicator || !region) return;
  saveSelection();
  if (!period) {
    $('status').textContent = '该地区此指标暂无数据';
    return;
  }
  const peers = peerParams();
  const from = `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
  $('dl-ranking-xlsx').href = `/v1/rankings?${query({ indicator, period, by, ...peers, format: 'xlsx' })}`;
  await Promise.all([
    reportLink(region, period).catch((error) => { $('status').textContent = error.message; }),
    reviewPanel(indicator, period, peers),
    embed('chart-ranking', `/v1/charts/ranking?${query({ indicator, period, by, highlight: region, ...peers })}`),
    embed('chart-trend', `/v1/charts/trend?${query({ indicator, region, from, to: period, measure: by })}`),
    embed('chart-rank-history', `/v1/charts/rank-history?${query({ indicator, by, highlight: region, from, to: period, ...peers })}`),
    embed('chart-scorecard', `/v1/charts/scorecard?${query({ region, period, ...peers })}`),
  ]);
  document.body.dataset.drawn = String(Number(document.body.dataset.drawn ?? 0) + 1);
}

async function start() {
  signIn();
  const [regions, groups, indicators] = await Promise.all([api('/v1/regions'), api('/v1/groups'), api('/v1/indicators')]);
  catalog = { regions: regions.regions, groups: groups.groups, indicators: indicators.indicators };
  $('region').replaceChildren(...catalog.regions.filter((r) => r.parent).map((r) => option(r.code, r.name)));
  $('indicator').replaceChildren(...catalog.indicators.map((i) => option(i.code, i.name)));
  const wanted = selectionFromUrl();
  choose($('indicator'), wanted.indicator);
  choose($('by'), wanted.by);
  choose($('region'), wanted.region ?? (await defaultRegion($('indicator').value)));
  fillPeers();
  choose($('peers'), wanted.group !== undefined ? `group:${wanted.group}` : wanted.parent !== undefined ? `parent:${wanted.parent}` : undefined);
  await fillPeriods();
  // The latest month is first in the list: a shared month is kept when the region has it.
  choose($('period'), wanted.period);
  $('region').addEventListener('change', async () => { fillPeers(); await fillPeriods(); await draw(); });
  $('indicator').addEventListener('change', async () => { await fillPeriods(); await draw(); });
  for (const id of ['peers', 'period', 'by']) $(id).addEventListener('change', draw);
  await draw();
}

window.addEventListener('DOMContentLoaded', () => start().catch((error) => { $('status').textContent = error.message; }));
