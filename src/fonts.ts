/** The CJK font PNG charts are drawn with (formats/png.ts), named where the configuration can read it without loading resvg. */

/** Noto Sans CJK as Debian's fonts-noto-cjk installs it: the regular face's file first (required), the bold one for titles. */
export const DEFAULT_CJK_FONT_FILES = ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc'];
/** The face of the .ttc collections drawn with: simplified Chinese (the JP, KR, TC and HK faces shape some characters otherwise). */
export const CJK_FONT_FAMILY = 'Noto Sans CJK SC';
/** The Debian package that holds the files. */
export const CJK_FONT_PACKAGE = 'fonts-noto-cjk';
