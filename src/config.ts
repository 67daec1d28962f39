/**
 * The environment, parsed once at start (API.md, Starting the service). A
 * bad value stops the start with a message naming the variable.
 */
import { validate } from 'node-cron';
import { z } from 'zod';
import { CODE_PATTERN, DEFAULT_TEMPLATE, TEMPLATE_NAME_PATTERN } from './domain/types.ts';
import { DEFAULT_CJK_FONT_FILES } from './fonts.ts';
import { ROLES, type Role } from './roles.ts';

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './data';
/** 09:00 on the 15th: figures for the previous month are out by then. */
export const DEFAULT_REPORT_CRON = '0 9 15 * *';
export const DEFAULT_REPORT_TZ = 'Asia/Shanghai';
/** 50,000 rows of JSON take about 5 MB; this leaves room for long codes and CSV quoting. */
export const DEFAULT_MAX_BODY_MB = 64;
/** The contract promises at least 50,000 rows a request. */
export const DEFAULT_MAX_ROWS = 100_000;
/** An InfluxDB request slower than this counts as the store being down (the request answers 503). */
export const DEFAULT_INFLUX_TIMEOUT_MS = 10_000;
/**
 * How stale a shared store's state may be (the change watcher's maxAgeMs):
 * one cheap query per instance at most four times a second, and a change
 * made through one instance reaches every other well within a second.
 */
export const DEFAULT_CHANGE_CHECK_MS = 250;
/**
 * Requests a token (or, without one, an address) may make per window: a
 * dashboard refreshing a dozen charts a minute and a bureau posting batches
 * stay far below it; a runaway script does not.
 */
export const DEFAULT_RATE_LIMIT_MAX = 1200;
export const DEFAULT_RATE_LIMIT_WINDOW_SECONDS = 60;
/** A 100,000-row upload on a slow link still finishes; a stalled client does not hold a socket forever. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 120;
/** A token shorter than this is guessable. */
export const MIN_TOKEN_LENGTH = 16;

export type { Role } from './roles.ts';
export interface TokenSpec {
  role: Role;
  /** Who holds it: recorded as `by` on what it posts. Defaults to the role. */
  name: string;
  token: string;
}

const flag = (name: string, fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

function parseTokens(text: string, ctx: z.RefinementCtx): TokenSpec[] {
  const specs: TokenSpec[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const parts = entry.split(':');
    const role = parts[0] as Role;
    const name = parts.length === 3 ? parts[1]! : role;
    const token = parts[parts.length - 1]!;
    if (parts.length < 2 || parts.length > 3 || !(ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({ code: 'custom', message: `API_TOKENS must be comma-separated role:token (or role:name:token) pairs, roles ${ROLES.join(', ')}` });
      return [];
    }
    if (token.length < MIN_TOKEN_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `API_TOKENS: the ${name} token is shorter than ${MIN_TOKEN_LENGTH} characters` });
      return [];
    }
    if (!CODE_PATTERN.test(name)) {
      ctx.addIssue({ code: 'custom', message: `API_TOKENS: holder name "${name}" must be a code (letters, digits, _ . -)` });
      return [];
    }
    specs.push({ role, name, token });
  }
  return specs;
}

const envSchema = z
  .object({
    PORT: integer('PORT', 0, 65535, DEFAULT_PORT),
    HOST: z.string().min(1, { error: 'HOST must not be empty' }).default(DEFAULT_HOST),
    STORE: z.enum(['sqlite', 'influxdb'], { error: 'STORE must be sqlite or influxdb' }).default('sqlite'),
    DATA_DIR: z.string().min(1, { error: 'DATA_DIR must not be empty' }).default(DEFAULT_DATA_DIR),
    INFLUX_URL: z.url({ error: 'INFLUX_URL must be a URL such as http://localhost:8086' }).optional(),
    INFLUX_TOKEN: z.string().optional(),
    INFLUX_DATABASE: z.string().regex(CODE_PATTERN, { error: 'INFLUX_DATABASE must be a code (letters, digits, _ . -)' }).optional(),
    INFLUX_ORG: z.string().optional(),
    INFLUX_API: z.enum(['v1', 'v2', 'v3'], { error: 'INFLUX_API must be v1, v2 or v3' }).default('v2'),
    INFLUX_TIMEOUT_MS: integer('INFLUX_TIMEOUT_MS', 100, 600_000, DEFAULT_INFLUX_TIMEOUT_MS),
    API_TOKENS: z.string().optional().transform((v, ctx) => (v === undefined || v.trim() === '' ? null : parseTokens(v, ctx))),
    PUBLIC_READ: flag('PUBLIC_READ', true),
    // GET /metrics is open without it (as /healthz is); set, the scraper must send it as a bearer token.
    METRICS_TOKEN: z
      .string()
      .min(MIN_TOKEN_LENGTH, { error: `METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (a shorter token is guessable)` })
      .regex(/^\S+$/, { error: 'METRICS_TOKEN must not contain spaces (it is sent as Authorization: Bearer <METRICS_TOKEN>)' })
      .optional(),
    REPORT_CRON: z
      .string()
      .default(DEFAULT_REPORT_CRON)
      .refine((expression) => validate(expression), { error: 'REPORT_CRON must be a cron expression such as "0 9 15 * *"' }),
    REPORT_TZ: z
      .string()
      .default(DEFAULT_REPORT_TZ)
      .refine(validTimeZone, { error: 'REPORT_TZ must be an IANA time zone such as Asia/Shanghai' }),
    REPORT_REGIONS: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? null : v.split(',').map((c) => c.trim()).filter((c) => c !== '')))
      .refine((codes) => codes === null || codes.every((c) => CODE_PATTERN.test(c)), {
        error: 'REPORT_REGIONS must be comma-separated region codes',
      }),
    REPORT_TEMPLATE: z
      .string()
      .default(DEFAULT_TEMPLATE)
      .refine((name) => TEMPLATE_NAME_PATTERN.test(name), { error: 'REPORT_TEMPLATE must be a report template name such as county (lowercase letters, digits, - and _)' }),
    REPORTS_ENABLED: flag('REPORTS_ENABLED', true),
    WRITER_URL: z.url({ error: 'WRITER_URL must be the URL of the instance that writes, such as http://10.0.0.5:3000' }).optional(),
    ADVERTISE_URL: z.url({ error: 'ADVERTISE_URL must be the URL other instances reach this one at, such as http://10.0.0.5:3000' }).optional(),
    CHANGE_CHECK_MS: integer('CHANGE_CHECK_MS', 10, 60_000, DEFAULT_CHANGE_CHECK_MS),
    RATE_LIMIT_MAX: integer('RATE_LIMIT_MAX', 1, 1_000_000_000, DEFAULT_RATE_LIMIT_MAX),
    RATE_LIMIT_WINDOW_SECONDS: integer('RATE_LIMIT_WINDOW_SECONDS', 1, 86_400, DEFAULT_RATE_LIMIT_WINDOW_SECONDS),
    REQUEST_TIMEOUT_SECONDS: integer('REQUEST_TIMEOUT_SECONDS', 1, 3600, DEFAULT_REQUEST_TIMEOUT_SECONDS),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? [] : v.split(',').map((o) => o.trim()).filter((o) => o !== '')))
      .refine((origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), { error: 'CORS_ORIGINS must be comma-separated origins such as https://dash.example.gov.cn' }),
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v, ctx): boolean | number | string[] => {
        const text = v?.trim() ?? '';
        if (text === '' || text === 'false') return false;
        if (text === 'true') return true;
        if (/^\d{1,2}$/.test(text)) return Number(text);
        const list = text.split(',').map((a) => a.trim()).filter((a) => a !== '');
        if (list.every((a) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(a))) return list;
        ctx.addIssue({ code: 'custom', message: 'TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses/CIDRs such as 10.0.0.0/8' });
        return z.NEVER;
      }),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'LOG_LEVEL must be a pino level such as info' }).default('info'),
    MAX_BODY_MB: integer('MAX_BODY_MB', 1, 1024, DEFAULT_MAX_BODY_MB),
    MAX_ROWS: integer('MAX_ROWS', 50_000, 10_000_000, DEFAULT_MAX_ROWS),
    // Noto Sans CJK for PNG charts: the regular face's file first (without it PNG answers 503), then the bold one.
    CJK_FONT_FILES: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? DEFAULT_CJK_FONT_FILES : v.split(',').map((f) => f.trim()).filter((f) => f !== ''))),
  })
  .superRefine((env, ctx) => {
    if (env.STORE === 'influxdb') {
      if (env.INFLUX_URL === undefined) ctx.addIssue({ code: 'custom', path: ['INFLUX_URL'], message: 'INFLUX_URL is required when STORE=influxdb' });
      if (env.INFLUX_DATABASE === undefined) {
        ctx.addIssue({ code: 'custom', path: ['INFLUX_DATABASE'], message: 'INFLUX_DATABASE is required when STORE=influxdb' });
      }
    }
  });

function validTimeZone(zone: string): boolean {
  try {
    // eslint-disable-next-line no-new -- made only to see whether it throws: an unknown zone is a RangeError
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parse the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = envSchema.safeParse(known);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '');
    return issue.message.includes(variable) && variable !== '' ? issue.message : `${variable}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** Variables the configuration reads: docker-compose and docs are checked against it. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
