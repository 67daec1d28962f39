/**
 * The report as a Word document (the `docx` package), laid out as county
 * documents are: 黑体 headings, 仿宋_GB2312 body, a 宋体 table, A4 with
 * 2.54 cm margins, the charts as PNG images, and no table of contents (WPS
 * leaves a TOC field empty until the reader updates it).
 *
 * The table has fixed widths in both places Word and WPS read them: the
 * grid columns (w:tblGrid, which WPS lays out from) and every cell.
 *
 * The same report always gives the same bytes (its ETag is the same on
 * every instance): the document's dates are the report's own, image ids are
 * numbered, and the zip is written with a fixed time.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  ImageRun,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { TopLevelSpec } from 'vega-lite';
import { SECTION_TITLES, type ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import { chartedIndicators, rankingSpec, scorecardSpec } from './charts.ts';
import { localTime } from './format.ts';
import { changeCell, rankCell } from './markdown.ts';

/** Fonts of Chinese government documents (GB/T 9704): 黑体 headings, 仿宋_GB2312 text; 宋体 in tables. */
export const DOCX_FONTS = { heading: '黑体', body: '仿宋_GB2312', table: '宋体', latin: 'Times New Roman' } as const;
/** Sizes in half-points: 二号 22 pt title, 三号 16 pt headings and text, 五号 10.5 pt table and notes. */
const SIZE = { title: 44, heading: 32, body: 32, table: 21, note: 21 } as const;
/** A4 in twips, with 2.54 cm (1440 twips) margins: 9026 twips of text width. */
const PAGE = { width: 11906, height: 16838, margin: 1440 } as const;
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
/** The table's columns in twips, as the Markdown table's: 指标, 本期, 同比, 增速位次, 总量位次, 较上期, 说明 (a figure like 121.43亿元 on one line at 10.5 pt). */
const COLUMNS: ReadonlyArray<[string, number]> = [
  ['指标', 1700],
  ['本期', 1200],
  ['同比', 900],
  ['增速位次', 1000],
  ['总量位次', 1000],
  ['较上期', 800],
  ['说明', TEXT_WIDTH - 1700 - 1200 - 900 - 1000 - 1000 - 800],
];
/** Images are given in pixels at 96 to the inch: the text width is 9026 / 1440 inches. */
const TEXT_WIDTH_PX = Math.floor((TEXT_WIDTH / 1440) * 96);
/** Zip entries' time: the zip format's epoch, the same on every instance (built in local time, so the same in any time zone). */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** A chart drawn for the document: its PNG and the size it is shown at. */
export interface DocxChart {
  png: Buffer;
  /** The chart's own size in CSS pixels (the PNG has `scale` times as many). */
  width: number;
  height: number;
  title: string;
}

/** The charts the document shows, as the HTML page does: a scorecard, then a ranking per indicator. */
export function reportChartSpecs(facts: ReportFacts): Array<{ title: string; spec: TopLevelSpec }> {
  return [
    { title: '各项指标位次', spec: scorecardSpec(facts) },
    ...chartedIndicators(facts).map((f) => ({ title: `${f.name}排名`, spec: rankingSpec(facts, f) })),
  ];
}

const font = (eastAsia: string) => ({ ascii: DOCX_FONTS.latin, hAnsi: DOCX_FONTS.latin, eastAsia });

function heading(text: string): Paragraph {
  return new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 }, children: [new TextRun(text)] });
}

/** Body text: first line indented two characters, as Chinese documents are. */
function body(text: string): Paragraph {
  return new Paragraph({ indent: { firstLine: 2 * SIZE.body * 10 }, spacing: { line: 360 }, children: [new TextRun(text)] });
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER };

/** A table cell; `note`: a line under its text (a corrected figure's 注:…). */
function cell(text: string, width: number, header: boolean, weak = false, note?: string): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders: BORDERS,
    margins: { left: 60, right: 60, top: 30, bottom: 30 },
    ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' } } : {}),
    children: [
      new Paragraph({
        alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [new TextRun({ text, size: SIZE.table, font: font(header ? DOCX_FONTS.heading : DOCX_FONTS.table), ...(weak ? { color: 'C62828' } : {}) })],
      }),
      ...(note === undefined ? [] : [new Paragraph({ children: [new TextRun({ text: note, size: SIZE.table, font: font(DOCX_FONTS.table), color: '555555' })] })]),
    ],
  });
}

function indicatorTable(facts: ReportFacts): Table {
  const widths = COLUMNS.map(([, w]) => w);
  const rows = [new TableRow({ tableHeader: true, children: COLUMNS.map(([title, w]) => cell(title, w, true)) })];
  for (const f of facts.indicators) {
    const main = f.rankBy === 'yoy' ? f.byYoy : f.byValue;
    const texts = [
      f.name,
      f.valueText ?? '—',
      f.yoyText ?? '—',
      rankCell(f.byYoy.rank, f.byYoy.ranked, f.byYoy.tied),
      rankCell(f.byValue.rank, f.byValue.ranked, f.byValue.tied),
      changeCell(main.rankChange),
      `${f.sentence}${f.weak ? '(短板)' : ''}`,
    ];
    const last = texts.length - 1;
    rows.push(new TableRow({ cantSplit: true, children: texts.map((text, i) => cell(text, widths[i]!, false, f.weak && i === last, i === last ? f.correctionNote : undefined)) }));
  }
  return new Table({ rows, columnWidths: widths, width: { size: TEXT_WIDTH, type: WidthType.DXA }, layout: TableLayoutType.FIXED });
}

function image(chart: DocxChart, id: number): Paragraph {
  const width = Math.min(chart.width, TEXT_WIDTH_PX);
  const height = Math.round((chart.height * width) / chart.width);
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    keepLines: true,
    children: [new ImageRun({ type: 'png', data: chart.png, transformation: { width, height }, altText: { id: String(id), name: `chart${id}`, title: chart.title, description: chart.title } })],
  });
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** docProps/core.xml with the report's own title and time (docx would stamp the time of writing). */
function coreProperties(facts: ReportFacts, record: ReportRecord): string {
  const at = record.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeXml(facts.title)}</dc:title><dc:creator>regional-indicators</dc:creator><cp:lastModifiedBy>regional-indicators</cp:lastModifiedBy>` +
    `<cp:revision>${record.version}</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/** The package again with a fixed time on every entry; PNGs, already compressed, are stored. */
function stableZip(bytes: Uint8Array): Buffer {
  const files = unzipSync(bytes);
  const zippable: Zippable = {};
  for (const name of Object.keys(files).sort()) zippable[name] = [files[name]!, { mtime: ZIP_TIME, level: name.endsWith('.png') ? 0 : 6 }];
  return Buffer.from(zipSync(zippable));
}

export async function reportDocx(facts: ReportFacts, record: ReportRecord, timeZone: string, charts: readonly DocxChart[]): Promise<Buffer> {
  const meta = `比较范围:${facts.peerScope};第 ${record.version} 稿,生成于 ${localTime(record.generatedAt, timeZone)},${record.trigger};数据摘要 ${record.digest.slice(0, 12)}`;
  const children: Array<Paragraph | Table> = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun(facts.title)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: meta, size: SIZE.note, color: '666666' })] }),
  ];
  for (const [key, title, none] of SECTION_TITLES) {
    children.push(heading(title));
    const items = facts.sections[key] ?? [];
    if (items.length === 0) children.push(body(none));
    else for (const item of items) children.push(body(item));
  }
  const [scorecard, ...rankings] = charts;
  if (scorecard !== undefined) children.push(heading('各项指标位次'), image(scorecard, 1));
  children.push(heading('逐项指标'), indicatorTable(facts));
  if (rankings.length > 0) {
    children.push(heading('排名图'));
    rankings.forEach((chart, i) => children.push(image(chart, i + 2)));
  }

  const document = new Document({
    title: facts.title,
    creator: 'regional-indicators',
    styles: {
      default: {
        document: { run: { font: font(DOCX_FONTS.body), size: SIZE.body, language: { value: 'zh-CN', eastAsia: 'zh-CN' } } },
        title: { run: { font: font(DOCX_FONTS.heading), size: SIZE.title, bold: false, color: '000000' } },
        heading1: { run: { font: font(DOCX_FONTS.heading), size: SIZE.heading, bold: false, color: '000000' }, paragraph: { keepNext: true } },
      },
    },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } },
        children,
      },
    ],
  });
  const packed = await Packer.toBuffer(document, false, [{ path: 'docProps/core.xml', data: coreProperties(facts, record) }]);
  return stableZip(packed);
}
