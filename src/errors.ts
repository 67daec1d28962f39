/** One error contract (API.md): a short code, a sentence, and details. */

/**
 * One fault an error answer lists (API.md "Conventions"); errorDetailSchema
 * (schemas/common.ts) is its OpenAPI form, and the type check holds the two
 * to the same fields.
 */
export interface ErrorDetail {
  /** For a posted workbook (.xlsx): the sheet the row is on. */
  sheet?: string;
  /** Record number from 1; 0 for a CSV header fault; for a posted workbook, the row number Excel shows. */
  row?: number;
  field: string;
  message: string;
  /** not_released: when the month is released (RFC 3339, UTC), null when not scheduled. */
  releaseAt?: string | null;
  /** review_failed: the region a failed check is about. */
  region?: string;
  /** review_failed (totals): the parent's own figure. */
  expected?: number;
  /** review_failed (totals): its children's sum. */
  actual?: number;
}

/** Every error code an answer may carry (API.md "Conventions"); the error schema lists these. */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'not_released',
  'not_acceptable',
  'unsupported_media_type',
  'payload_too_large',
  'rate_limited',
  'not_ready',
  'insufficient_storage',
  'four_eyes',
  'review_failed',
  'nothing_to_approve',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  not_released: 404,
  not_acceptable: 406,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  not_ready: 503,
  /** The store refuses for good (a limit it was configured with): repeating cannot help until it is raised. */
  insufficient_storage: 507,
  /** The approver posted to the month since its last approval: someone else must check it. */
  four_eyes: 409,
  /** The month fails a check that is an error, and no override reason was given. */
  review_failed: 409,
  /** The month has no figure to approve, or its indicator is not under review. */
  nothing_to_approve: 409,
  internal: 500,
};

/**
 * Details an error answer lists at most: the first ones (by row where the
 * service sorts them), with `detailsTotal` saying how many there were. A
 * bad batch is fixed from its first faults; a list of millions only costs
 * both sides time (a body of 2,000,000 unknown keys answered 93 MB).
 */
export const MAX_ERROR_DETAILS = 1000;
/** Characters of a detail's field or message, and of an error's message, at most: they may quote what the caller sent. */
export const MAX_ERROR_TEXT = 500;

/** `text` cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function boundedText(text: string, max = MAX_ERROR_TEXT): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function boundedDetail(detail: ErrorDetail): ErrorDetail {
  if (detail.field.length <= MAX_ERROR_TEXT && detail.message.length <= MAX_ERROR_TEXT) return detail;
  return { ...detail, field: boundedText(detail.field), message: boundedText(detail.message) };
}

/**
 * The details an answer carries: the first MAX_ERROR_DETAILS, each text
 * bounded, and how many there were in all (`total` is at least `given`,
 * for details already cut once).
 */
export function boundDetails(details: readonly ErrorDetail[], given?: number): { details: ErrorDetail[]; total: number } {
  const kept = details.length > MAX_ERROR_DETAILS ? details.slice(0, MAX_ERROR_DETAILS) : details;
  return { details: kept.map(boundedDetail), total: Math.max(given ?? 0, details.length) };
}

/** An error the caller can act on; its message is shown to them as is. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** At most MAX_ERROR_DETAILS: the first ones. */
  readonly details: ErrorDetail[] | undefined;
  /** How many details there were before the cut: more than `details.length` only when some were left off. */
  readonly detailsTotal: number | undefined;
  /** Seconds the caller should wait before retrying (503, 429). */
  readonly retryAfter: number | undefined;

  /** `detailsTotal`: when `details` were already cut (an error passed on), how many there were. */
  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetail[]; detailsTotal?: number; retryAfter?: number; cause?: unknown } = {}) {
    super(boundedText(message, 2 * MAX_ERROR_TEXT), { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    const bounded = options.details === undefined ? undefined : boundDetails(options.details, options.detailsTotal);
    this.details = bounded?.details;
    this.detailsTotal = bounded?.total;
    this.retryAfter = options.retryAfter;
  }

  get statusCode(): number {
    return STATUS_OF[this.code];
  }
}

export function notFound(field: string, code: string, what: string): ApiError {
  return new ApiError('not_found', `${field}: no ${what} with code ${code}`, { details: [{ field, message: `unknown ${what}` }] });
}

/** The store cannot be reached: the request may be repeated later. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Collections whose items are numbered rows in error details. */
const BATCH_KEYS = new Set(['observations', 'regions', 'groups', 'indicators']);

/** A validation path as API.md's row and field: ['regions', 3, 'parent'] is row 4, field parent. */
export function detailOf(path: ReadonlyArray<string | number>, message: string): ErrorDetail {
  const [first, second, ...rest] = path;
  if (typeof first === 'string' && BATCH_KEYS.has(first) && typeof second === 'number') {
    return { row: second + 1, field: rest.length > 0 ? rest.join('.') : first, message };
  }
  return { field: path.length > 0 ? path.join('.') : 'body', message };
}
