/** PNG drawing: the simplified Chinese face, outlines kept, the font held in memory, a missing font said plainly. */
import { Resvg } from '@resvg/resvg-js';
import t from 'tap';
import { ApiError } from '../../src/errors.ts';
import { CJK_FONT_FAMILY, DEFAULT_CJK_FONT_FILES } from '../../src/fonts.ts';
import { characters, CUT_CHARACTERS, KeptFonts } from '../../src/formats/font-subset.ts';
import { outlines } from '../../src/formats/outline-worker.ts';
import { PngRenderer } from '../../src/formats/png.ts';
import { darkPixels, decodePng } from '../helpers/png.ts';

/** Characters whose simplified Chinese and Japanese glyphs differ in shape. */
const TELLING = '直骨写';
const svgOf = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="white"/>${body}</svg>`;

/** resvg's own outlines of a text in one face of the collection. */
function outlinesIn(family: string): string {
  const tree = new Resvg(svgOf(`<text x="10" y="45" font-family="${family}" font-size="40">${TELLING}</text>`), { font: { fontFiles: DEFAULT_CJK_FONT_FILES, loadSystemFonts: false } }).toString();
  // The first path is the background rect, which resvg also turns into a path.
  return [...tree.matchAll(/ d="([^"]+)"/g)].slice(1).map((m) => m[1]).join(' ');
}

t.test('texts are drawn in Noto Sans CJK SC, whatever family the SVG names first', async (t) => {
  const png = new PngRenderer();
  t.equal(png.unavailable, null, 'the font is installed here');
  const outlined = await png.outlined(svgOf(`<text x="10" y="45" font-family="&quot;PingFang SC&quot;, &quot;Microsoft YaHei&quot;, sans-serif" font-size="40" fill="#333">${TELLING}</text>`));
  t.notMatch(outlined, /<text/, 'no text left for resvg to choose a font for');
  const ours = [...outlined.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]).join(' ');
  // The outlines are placed by the text's x and y in both.
  t.equal(ours, outlinesIn(CJK_FONT_FAMILY), 'the SC face');
  t.not(ours, outlinesIn('Noto Sans CJK JP'), 'not the Japanese one');
  t.match(outlined, /<g fill="#333">/, 'painted as the text was');
});

t.test('a drawn text has dark pixels where it stands; an empty one draws nothing', async (t) => {
  const png = new PngRenderer();
  const image = decodePng(await png.render(svgOf(`<text x="10" y="45" font-size="40" fill="#000">${TELLING}</text><text x="150" y="45"/>`), 1));
  t.same([image.width, image.height], [200, 60]);
  t.ok(darkPixels(image, { x: 10, y: 5, width: 120, height: 50 }) > 300, 'the characters are drawn');
  t.equal(darkPixels(image, { x: 140, y: 0, width: 60, height: 60 }), 0, 'nothing beside them');
});

t.test('without the font file: unavailable, and render is a 503 naming the package', async (t) => {
  const png = new PngRenderer(['/nonexistent/NotoSansCJK-Regular.ttc']);
  t.match(png.unavailable, /apt-get install fonts-noto-cjk/);
  const error = await png.render(svgOf('')).then(() => null, (e: unknown) => e);
  t.ok(error instanceof ApiError, 'an ApiError');
  t.equal((error as ApiError).statusCode, 503);
  t.match((error as ApiError).message, /fonts-noto-cjk/);
});

t.test('the font held in memory outlines every text as the font files do', (t) => {
  const family = `font-family="${CJK_FONT_FAMILY}"`;
  const texts = [
    `<text ${family} text-anchor="end" font-size="12px">1  椒江区</text>`,
    `<text ${family} font-size="16px" font-weight="bold">1-6月 制造业投资同比增速排名</text>`,
    `<text ${family} font-size="12px" font-weight="300">2022年1-6月 · 台州市所辖9个地区</text>`,
    `<text ${family} text-anchor="middle" font-size="11px">−5 61.2% A&amp;B &lt;x&gt; &#x4E2D;&#25991; （全角）“引号”…</text>`,
    `<text ${family} font-size="12px" font-style="italic">斜体 fi ffl</text>`,
    `<text ${family} font-size="12px"><tspan x="0">第一行</tspan><tspan x="0" dy="14" font-weight="bold">第二行</tspan></text>`,
    // No face has these: the missing-glyph box, or nothing, alike.
    `<text ${family} font-size="12px">😀 \u{10FFFD}</text>`,
    `<text ${family} font-size="12px"/>`,
  ];
  const inMemory = outlines(DEFAULT_CJK_FONT_FILES, texts, true);
  const fromFiles = outlines(DEFAULT_CJK_FONT_FILES, texts, false);
  t.same(inMemory, fromFiles, 'the same outlines');
  t.ok(inMemory.slice(0, 6).every((o) => / d="/.test(o)), 'each text drawn');
  // One text alone: its own cut of the font.
  t.equal(outlines(DEFAULT_CJK_FONT_FILES, [texts[1]!], true)[0], fromFiles[1], 'alone as in a batch');
  t.end();
});

t.test('the faces held are the family drawn with; none named so: the files themselves', (t) => {
  const fonts = KeptFonts.load(DEFAULT_CJK_FONT_FILES, CJK_FONT_FAMILY);
  t.ok(fonts !== null, 'Noto Sans CJK SC in memory');
  t.equal(KeptFonts.load(DEFAULT_CJK_FONT_FILES, 'No Such Family'), null, 'another family: resvg reads the files');
  const cut = fonts!.cut(characters(['<text>直骨写</text>']))!;
  t.equal(cut.length, 2, 'the regular face and the bold one');
  t.ok(cut.every((bytes) => bytes.length > 0 && bytes.length < 200_000), `a few KB each, not 19.5 MB: ${cut.map((b) => b.length).join(', ')}`);
  t.equal(fonts!.cut(characters(['<text>写直</text>'])), cut, 'a batch the cut holds is drawn with it again');
  const grown = fonts!.cut(characters(['<text>骨肉</text>']))!;
  t.not(grown, cut, 'a new character: a new cut');
  t.equal(fonts!.cut(characters(['<text>直肉</text>'])), grown, 'holding the characters before too');
  const many = new Set(Array.from({ length: CUT_CHARACTERS }, (_, i) => 0x4e00 + i));
  t.ok(fonts!.cut(many)!.every((bytes, i) => bytes.length > grown[i]!.length), 'past CUT_CHARACTERS: a cut of its own');
  t.not(fonts!.cut(characters(['<text>直</text>'])), grown, 'and the next batch too');
  t.same([...characters(['&#x4E2D;&#25991;&amp;'])].filter((c) => c > 0x7f), [0x4e2d, 0x6587], 'character references decoded');
  t.end();
});
