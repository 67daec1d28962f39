/** PNG drawing: the simplified Chinese face, outlines kept, a missing font said plainly. */
import { Resvg } from '@resvg/resvg-js';
import t from 'tap';
import { ApiError } from '../../src/errors.ts';
import { CJK_FONT_FAMILY, DEFAULT_CJK_FONT_FILES } from '../../src/fonts.ts';
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
