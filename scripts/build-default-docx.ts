/**
 * Writes templates/default.docx: the built-in Word report as a template
 * staff open in Word or WPS, laid out as county documents are (GB/T 9704):
 * 黑体 headings, 仿宋_GB2312 body, a 宋体 table, A4 with 2.54 cm margins.
 * Run once when the default layout changes: npx tsx scripts/build-default-docx.ts
 * (the file is then the source; the service never runs this).
 *
 * Tags are whole runs so Word shows them as typed; loops whose tags stand in
 * paragraphs of their own repeat the paragraphs between (docxtemplater's
 * paragraphLoop), the indicator table repeats its second row.
 */
import { writeFileSync } from 'node:fs';
import {
  AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType,
} from 'docx';
import { unzipSync, zipSync, type Zippable } from 'fflate';

const FONTS = { heading: '黑体', body: '仿宋_GB2312', table: '宋体', latin: 'Times New Roman' } as const;
const SIZE = { title: 44, heading: 32, body: 32, table: 21, note: 21 } as const;
const PAGE = { width: 11906, height: 16838, margin: 1440 } as const;
const TEXT_WIDTH = PAGE.width - 2 * PAGE.margin;
const COLUMNS: ReadonlyArray<[string, string, number]> = [
  ['name', 'name', 1700],
  ['value', 'value', 1200],
  ['yoy', 'yoy', 900],
  ['rankYoy', 'rankYoy', 1000],
  ['rankValue', 'rankValue', 1000],
  ['rankChange', 'rankChange', 800],
  ['sentence', 'sentence', TEXT_WIDTH - 1700 - 1200 - 900 - 1000 - 1000 - 800],
];
const font = (eastAsia: string) => ({ ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia });
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER };

const heading = (tag: string) => new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 120 }, children: [new TextRun(tag)] });
const body = (tag: string) => new Paragraph({ indent: { firstLine: 2 * SIZE.body * 10 }, spacing: { line: 360 }, children: [new TextRun(tag)] });
const control = (tag: string) => new Paragraph({ children: [new TextRun(tag)] });

/** A section: its heading, its sentences one paragraph each, or the sentence for none. */
function section(name: string): Paragraph[] {
  return [
    heading(`{headings.${name}}`),
    control(`{#${name}}`), body('{.}'), control(`{/${name}}`),
    control(`{^${name}}`), body(`{none.${name}}`), control(`{/${name}}`),
  ];
}

function cell(children: TextRun[], width: number, header: boolean): TableCell {
  return new TableCell({
    width: { size: width, type: WidthType.DXA },
    borders: BORDERS,
    margins: { left: 60, right: 60, top: 30, bottom: 30 },
    ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F2F2F2' } } : {}),
    children: [new Paragraph({ alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT, children })],
  });
}
const run = (text: string, extra: object = {}) => new TextRun({ text, size: SIZE.table, font: font(FONTS.table), ...extra });

function indicatorTable(): Table {
  const widths = COLUMNS.map(([, , w]) => w);
  const header = new TableRow({ tableHeader: true, children: COLUMNS.map(([name, , w]) => cell([run(`{columns.${name}}`, { font: font(FONTS.heading) })], w, true)) });
  const cells = COLUMNS.map(([, field, w], i) => {
    if (i === 0) return cell([run(`{#indicators}{${field}}`)], w, false);
    if (i < COLUMNS.length - 1) return cell([run(`{${field}}`)], w, false);
    // Weak ones in red; a correction note on a line of its own under the sentence.
    return cell([
      run('{#weak}'), run('{sentence}{weakMark}', { color: 'C62828' }), run('{/weak}{^weak}{sentence}{/weak}'),
      run('{#note}'), run('{note}', { break: 1, color: '555555' }), run('{/note}{/indicators}'),
    ], w, false);
  });
  return new Table({ rows: [header, new TableRow({ cantSplit: true, children: cells })], columnWidths: widths, width: { size: TEXT_WIDTH, type: WidthType.DXA }, layout: TableLayoutType.FIXED });
}

const image = (tag: string) => new Paragraph({ alignment: AlignmentType.CENTER, keepLines: true, children: [new TextRun(tag)] });

const children: Array<Paragraph | Table> = [
  new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { after: 120 }, children: [new TextRun('{title}')] }),
  new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: '{meta}', size: SIZE.note, color: '666666' })] }),
  ...['leading', 'weak', 'up', 'down', 'progress', 'gaps'].flatMap(section),
  heading('{headings.scorecard}'), image('{%scorecardChart}'),
  heading('{headings.table}'), indicatorTable(),
  heading('{headings.charts}'),
  control('{#rankings}'), image('{%chart}'), control('{/rankings}'),
];

const document = new Document({
  title: 'report',
  creator: 'regional-indicators',
  styles: {
    default: {
      document: { run: { font: font(FONTS.body), size: SIZE.body, language: { value: 'zh-CN', eastAsia: 'zh-CN' } } },
      title: { run: { font: font(FONTS.heading), size: SIZE.title, bold: false, color: '000000' } },
      heading1: { run: { font: font(FONTS.heading), size: SIZE.heading, bold: false, color: '000000' }, paragraph: { keepNext: true } },
    },
  },
  sections: [{ properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } }, children }],
});

const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
const files = unzipSync(await Packer.toBuffer(document, false));
// docx stamps the time of writing: the template's own properties carry none.
delete files['docProps/core.xml'];
files['[Content_Types].xml'] = new TextEncoder().encode(new TextDecoder().decode(files['[Content_Types].xml']).replace(/<Override PartName="\/docProps\/core\.xml"[^>]*\/>/, ''));
files['_rels/.rels'] = new TextEncoder().encode(new TextDecoder().decode(files['_rels/.rels']).replace(/<Relationship [^>]*docProps\/core\.xml"\/>/, ''));
const zippable: Zippable = {};
for (const name of Object.keys(files).sort()) zippable[name] = [files[name]!, { mtime: ZIP_TIME, level: 6 }];
writeFileSync(new URL('../templates/default.docx', import.meta.url), zipSync(zippable));
console.log('wrote templates/default.docx');
