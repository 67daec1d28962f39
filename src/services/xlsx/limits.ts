/**
 * What a posted workbook may cost. A workbook is a zip of XML: a few
 * hundred bytes can claim (or inflate to) gigabytes, so every cost is
 * bounded before it is paid, and the parse runs in a worker that can be
 * thrown away (src/services/xlsx/reader.ts).
 */

/**
 * Files inside the zip. Excel and WPS write 10 to 40 (plus one per sheet,
 * drawing and image); a few thousand leaves room for a workbook of many
 * sheets and pictures, and keeps the central directory a trivial read.
 */
export const XLSX_MAX_ZIP_ENTRIES = 4096;

/**
 * Old-generation heap of the parsing worker, in MB. A 100,000-row sheet
 * (MAX_ROWS) of six columns, a 7.8 MB workbook, needs between 64 and 96 MB in
 * SheetJS (measured: it fails at 64, reads at 96); this leaves room for long
 * text cells, and past it the worker is stopped and the post is a 413,
 * whatever the file claims. Two at once (XLSX_MAX_PARALLEL) bound what
 * workbooks can add to the service's memory.
 */
export const XLSX_WORKER_HEAP_MB = 256;

/** Young generation of the worker, in MB: small, as for the SQLite writer, its cells live until the end. */
export const XLSX_WORKER_YOUNG_MB = 16;

/**
 * Wall time a parse may take. That 100,000-row workbook reads in about 2 s
 * on a busy 2-core machine (load average 6); anything fifteen times slower is
 * pathological (or ReDoS-shaped) and costs its worker, not the service.
 */
export const XLSX_PARSE_TIMEOUT_MS = 30_000;

/**
 * Workbooks parsed at once. Each worker may take XLSX_WORKER_HEAP_MB and a
 * core; two bound the worst case on the 2-core machines the service runs on,
 * and further posts wait their turn.
 */
export const XLSX_MAX_PARALLEL = 2;

/** Rows handed from the worker to the main thread per message: each part becomes row objects in a few milliseconds. */
export const XLSX_ROWS_PER_MESSAGE = 1024;

/**
 * Blank or single-cell rows (a title, a unit line such as 单位:亿元) allowed
 * above the header. Bureau tables often carry one or two; ten is generous,
 * and past it the first such row is taken as the header and reported.
 */
export const XLSX_MAX_TITLE_ROWS = 10;

/**
 * Niceness of a parsing worker's thread (Linux keeps one per thread). A
 * workbook is batch work: a little below the service's priority it gives
 * way to the event loop whenever that wakes, instead of sharing the cores
 * with it as an equal. Measured on a busy 2-core machine (load average 5),
 * the main thread's longest stall while a 50,000-row workbook was read was
 * 7-85 ms at 0 and 8-42 ms at 5, the read as fast. Not more: at 10 a host
 * saturated by other work could starve a 100,000-row parse past its 30 s.
 */
export const XLSX_WORKER_NICE = 5;
