/** One error contract (API.md): a short code, a sentence, and details. */
import type { ErrorDetail } from './schemas/common.ts';

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
  internal: 500,
};

/** An error the caller can act on; its message is shown to them as is. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  /** Seconds the caller should wait before retrying (503, 429). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetail[]; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.details = options.details;
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
