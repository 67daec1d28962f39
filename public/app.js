// The dashboard: choose region, peers, indicator, month and metric; the four charts follow,
// with the region's annual targets against time progress (序时进度) and the month's report.
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
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw Object.assign(new Error(`${path}: ${response.status} ${body.message ?? ''}`), { status: response.status, code: body.error });
  }
  return response.json();
};
const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();
/** Regions tried, one series each, when the page opens without a selection: bounded for national catalogs. */
const DEFAULT_TRIES = 20;

let catalog = { regions: [], groups: [], indicators: [] };
/** Each draw's number: answers that come back after a newer draw began leave the page to that draw. */
let drawing = 0;

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

/** The report's forms, as linked: the page opens in a tab of its own; the files are saved. */
const REPORT_FORMATS = ['html', 'docx', 'md', 'json'];

// The month's latest report in each form, when one has been generated.
async function reportLink(region, period, ticket) {
  let reports;
  try {
    ({ reports } = await api(`/v1/reports?${query({ region, period })}`));
  } catch (error) {
    // Neither links nor "尚未生成": whether there is a report is not known.
    if (ticket === drawing) $('report-links').hidden = $('no-report').hidden = true;
    throw error;
  }
  if (ticket !== drawing) return;
  const base = `/v1/reports/${encodeURIComponent(region)}/${encodeURIComponent(period)}`;
  for (const extension of REPORT_FORMATS) $(`dl-report-${extension}`).href = `${base}.${extension}`;
  // The service names the Word and Markdown files (Content-Disposition); JSON comes without a name.
  $('dl-report-json').download = `report-${region}-${period}.json`;
  $('report-links').hidden = reports.length === 0;
  $('no-report').hidden = reports.length > 0;
}

/** Completion, time progress and gaps are published at 0.1 (API.md, Targets and progress). */
const PROGRESS_DECIMALS = 1;
const DECEMBER = 12;
const HALF_YEAR_MONTH = 6;
/** A number with exactly `decimals` places, never "-0.0". */
function fixed(x, decimals) {
  const text = x.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
const isZero = (x) => fixed(Math.abs(x), PROGRESS_DECIMALS) === fixed(0, PROGRESS_DECIMALS);
const points = (x) => `${fixed(Math.abs(x), PROGRESS_DECIMALS)}个百分点`;
const figure = (indicator, value) => `${fixed(value, indicator.decimals)}${indicator.unit}`;
/** 增长9.1%, 下降3.2%; a rate's change in points: 提高0.3个百分点. */
function growthText(indicator, yoy) {
  const inPoints = indicator.change === 'points';
  if (isZero(yoy)) return inPoints ? '持平' : '增长0.0%';
  const amount = `${fixed(Math.abs(yoy), PROGRESS_DECIMALS)}${inPoints ? '个百分点' : '%'}`;
  return yoy > 0 ? `${inPoints ? '提高' : '增长'}${amount}` : `下降${amount}`;
}
/** Worded as the reports word it (DOMAIN.md): 超序时进度2.3个百分点 / 低于序时进度… / 与序时进度持平. */
function timeWords(literalGap) {
  if (isZero(literalGap)) return '与序时进度持平';
  return `${literalGap > 0 ? '超' : '低于'}序时进度${points(literalGap)}`;
}
/** A gap to a target (positive is better): 高于年度目标1.1个百分点; lower is better: 好于控制目标. */
function targetWords(indicator, gap, unit) {
  const amount = `${fixed(Math.abs(gap), PROGRESS_DECIMALS)}${unit}`;
  if (indicator.direction === 'lower') return isZero(gap) ? '与控制目标持平' : gap > 0 ? `好于控制目标${amount}` : `未达到控制目标,相差${amount}`;
  return isZero(gap) ? '与年度目标持平' : gap > 0 ? `高于年度目标${amount}` : `低于年度目标${amount}`;
}

const element = (tag, className, text) => Object.assign(document.createElement(tag), { className, textContent: text ?? '' });
/** A cell of lines; `good` colours it by which side of the target it is. */
function cell(className, lines, good) {
  const td = element('td', className);
  for (const line of lines.filter((l) => l !== null && l !== undefined && l !== '')) td.append(typeof line === 'string' ? element('div', '', line) : line);
  if (good !== undefined && good !== null) td.classList.add(good ? 'ahead' : 'behind');
  return td;
}
const NONE = '—';

/** Completion as a bar, the time progress as a tick across it. */
function meter(completion, timeProgress) {
  const scale = Math.max(100, completion);
  const box = element('span', 'meter');
  const bar = element('span', 'bar');
  bar.style.width = `${(Math.max(0, completion) / scale) * 100}%`;
  const tick = element('span', 'tick');
  tick.style.left = `${(timeProgress / scale) * 100}%`;
  tick.title = `序时进度${fixed(timeProgress, PROGRESS_DECIMALS)}%`;
  box.append(bar, tick);
  return box;
}

/** One indicator's row: its target, figure, completion, time progress and how it stands. */
function targetRow(indicator, progress, month) {
  const row = progress.rows[0];
  const tr = document.createElement('tr');
  tr.dataset.indicator = indicator.code;
  tr.dataset.kind = row?.target?.kind ?? '';
  if (indicator.code === $('indicator').value) tr.className = 'current';
  tr.append(element('th', 'name', indicator.name));
  tr.firstChild.scope = 'row';
  const target = row?.target ?? null;
  const growthTarget = target?.kind === 'growth' ? target.value : row?.growthTarget ?? null;
  const amountText = target?.kind === 'value'
    ? `${indicator.basis === 'level' ? (indicator.direction === 'lower' ? '控制在' : '达到') : '全年'}${figure(indicator, target.value)}`
    : null;
  tr.append(cell('target', [amountText, growthTarget === null ? null : growthText(indicator, growthTarget)]));
  if (row === undefined || row.value === null) {
    tr.append(cell('figure', ['本期无数据']), cell('completion number', [NONE]), cell('time-progress number', [NONE]), cell('gap', [NONE]));
    return tr;
  }
  tr.append(cell('figure', [figure(indicator, row.value), row.yoy === null ? null : `同比${growthText(indicator, row.yoy)}`]));
  const words = [];
  let good = null;
  if (row.completion !== null) {
    tr.append(
      cell('completion number', [`${fixed(row.completion, PROGRESS_DECIMALS)}%`, meter(row.completion, progress.timeProgress)]),
      cell('time-progress number', [`${fixed(progress.timeProgress, PROGRESS_DECIMALS)}%`]),
    );
    if (row.gap !== null) {
      let text = timeWords(indicator.direction === 'higher' ? row.gap : -row.gap);
      if (indicator.direction === 'higher' && row.completion >= 100) text += month < DECEMBER ? ',提前完成全年目标' : ',完成全年目标';
      else if (indicator.direction === 'higher' && month === HALF_YEAR_MONTH && row.completion >= 50) text += ',实现时间过半、任务过半';
      words.push(text);
      good = isZero(row.gap) ? null : row.gap > 0;
    }
  } else {
    // A growth target is compared directly and a level against the level: neither is prorated by the month.
    tr.append(cell('completion number', [NONE]), cell('time-progress number', [NONE]));
    if (target?.kind === 'value' && row.gap !== null) {
      words.push(targetWords(indicator, row.gap, indicator.unit.trim() === '%' ? '个百分点' : indicator.unit));
      good = isZero(row.gap) ? null : row.gap > 0;
    }
  }
  const growthGap = target?.kind === 'growth' ? row.gap : row.growthGap;
  if (growthGap !== null && growthGap !== undefined) {
    words.push(`${target?.kind === 'value' ? '增速' : ''}${targetWords(indicator, growthGap, '个百分点')}`);
    if (good === null && !isZero(growthGap)) good = growthGap > 0;
  }
  tr.append(cell('gap', words.length > 0 ? words : [NONE], good));
  return tr;
}

/** A row for an indicator whose progress could not be read. */
function failedRow(indicator, error) {
  const tr = document.createElement('tr');
  tr.dataset.indicator = indicator.code;
  tr.append(element('th', 'name', indicator.name));
  tr.firstChild.scope = 'row';
  const td = cell('failed', [error.code === 'not_released' ? '本期数据尚未发布' : `无法取得:${error.message}`]);
  td.colSpan = 5;
  tr.append(td);
  return tr;
}

/**
 * The region's annual targets for the month's year: completion against
 * 序时进度 for amount targets, the growth or level against its target
 * otherwise; a row for each indicator with a target. Hidden when the
 * region has none that year.
 */
async function targetsPanel(region, period, ticket) {
  const section = $('targets');
  section.hidden = true;
  const year = period.slice(0, 4);
  const { targets } = await api(`/v1/targets?${query({ region, year })}`);
  if (ticket !== drawing) return;
  const withTargets = new Set(targets.map((t) => t.indicator));
  const indicators = catalog.indicators.filter((i) => withTargets.has(i.code));
  if (indicators.length === 0) return;
  const answers = await Promise.all(indicators.map((i) => api(`/v1/progress?${query({ indicator: i.code, period, region })}`).catch((error) => error)));
  if (ticket !== drawing) return;
  const month = Number(period.slice(5));
  const timeProgress = answers.find((a) => !(a instanceof Error))?.timeProgress ?? (month / DECEMBER) * 100;
  $('targets-time').textContent = `${year}年${month}月 · 序时进度${fixed(timeProgress, PROGRESS_DECIMALS)}%`;
  $('targets-rows').replaceChildren(...indicators.map((indicator, i) => (answers[i] instanceof Error ? failedRow(indicator, answers[i]) : targetRow(indicator, answers[i], month))));
  section.hidden = false;
  // A month not yet public is said in its row; any other failure also in the status line.
  const failure = answers.find((a) => a instanceof Error && a.code !== 'not_released');
  if (failure !== undefined) throw failure;
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
  const ticket = ++drawing;
  $('status').textContent = '';
  const indicator = $('indicator').value;
  const region = $('region').value;
  const period = $('period').value;
  const by = $('by').value;
  if (!indicator || !region) return;
  saveSelection();
  if (!period) {
    $('targets').hidden = true;
    $('status').textContent = '该地区此指标暂无数据';
    return;
  }
  const peers = peerParams();
  const from = `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
  $('dl-ranking-xlsx').href = `/v1/rankings?${query({ indicator, period, by, ...peers, format: 'xlsx' })}`;
  await Promise.all([
    reportLink(region, period, ticket).catch((error) => { if (ticket === drawing) $('status').textContent = error.message; }),
    targetsPanel(region, period, ticket).catch((error) => { if (ticket === drawing) $('status').textContent = error.message; }),
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
