/**
 * Every format the service answers in, once: its media type (the
 * Content-Type sent and the type matched in Accept), the file extension a
 * path or a download uses, and whether a browser shows it or saves it.
 */

export interface MediaFormat {
  /** The media type matched against Accept, without parameters. */
  readonly type: string;
  /** The Content-Type header sent. */
  readonly contentType: string;
  readonly extension: string;
  /** `attachment`: browsers save it under its file name; `inline`: they show it. */
  readonly disposition: 'inline' | 'attachment';
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** SDMX-CSV 2.0's registered media type; the version parameter tells it from SDMX-CSV 1.0. */
export const SDMX_CSV_TYPE = 'application/vnd.sdmx.data+csv';
export const SDMX_CSV_VERSION = '2.0.0';

export const MEDIA_FORMATS = {
  json: { type: 'application/json', contentType: 'application/json; charset=utf-8', extension: 'json', disposition: 'inline' },
  csv: { type: 'text/csv', contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv', disposition: 'attachment' },
  xlsx: { type: XLSX_TYPE, contentType: XLSX_TYPE, extension: 'xlsx', disposition: 'attachment' },
  'sdmx-csv': { type: SDMX_CSV_TYPE, contentType: `${SDMX_CSV_TYPE}; version=${SDMX_CSV_VERSION}; charset=utf-8`, extension: 'csv', disposition: 'attachment' },
  svg: { type: 'image/svg+xml', contentType: 'image/svg+xml; charset=utf-8', extension: 'svg', disposition: 'inline' },
  png: { type: 'image/png', contentType: 'image/png', extension: 'png', disposition: 'inline' },
  md: { type: 'text/markdown', contentType: 'text/markdown; charset=utf-8', extension: 'md', disposition: 'inline' },
  html: { type: 'text/html', contentType: 'text/html; charset=utf-8', extension: 'html', disposition: 'inline' },
  docx: { type: DOCX_TYPE, contentType: DOCX_TYPE, extension: 'docx', disposition: 'attachment' },
} as const satisfies Record<string, MediaFormat>;

export type FormatName = keyof typeof MEDIA_FORMATS;

/** What a CSV download holds, for the OpenAPI document. */
export const CSV_TYPE_DOC =
  'UTF-8 with a byte order mark, CRLF line ends, RFC 4180 quoting; rank, region, name, value, yoy, yoySource, yoyComputed, status, previousRank, rankChange, then the unranked peers with their reason under missing; text cells that begin with = + - @ get a leading apostrophe';
