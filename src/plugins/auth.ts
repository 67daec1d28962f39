/**
 * Bearer tokens and roles (API.md, Authentication). Tokens are held only as
 * SHA-256 hashes and compared in constant time; a route declares what it
 * needs in `config.access`. Failed authentications are counted per client
 * address: past AUTH_FAILURES_MAX in a window, no token from that address
 * is looked at until the window ends.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenSpec } from '../config.ts';
import { ApiError } from '../errors.ts';
import type { Role } from '../roles.ts';
import { ANONYMOUS, type Principal, type TokenService } from '../services/tokens.ts';
import { ADMIN_TOKEN_FILE, privateDir, privateFile } from '../store/data-dir.ts';
import { addressKey, FixedWindows } from './rate-limit.ts';

/**
 * public: never needs a token; read: any token, or none with PUBLIC_READ;
 * write: writer or admin; approve: approver or admin; review: the roles
 * that may see a month under review; admin: admin.
 */
export type Access = 'public' | 'read' | 'write' | 'approve' | 'review' | 'admin';

export type { Principal };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

/**
 * Invalid tokens one client address may send per window. A client with a
 * stale token fails a few times and stops; a guesser is held to 20 tries a
 * minute, where it had as many as the general limit allowed and more (401s
 * were never counted).
 */
export const AUTH_FAILURES_MAX = 20;
export const AUTH_FAILURE_WINDOW_SECONDS = 60;

/**
 * With API_TOKENS unset, the first start writes an admin token to
 * DATA_DIR (owner-only) and later starts reuse it: writes never go
 * unauthenticated. Answers the file's path when it is used.
 */
export function generatedAdminToken(dataDir: string): { spec: TokenSpec; file: string; created: boolean } {
  const file = resolve(join(dataDir, ADMIN_TOKEN_FILE));
  if (existsSync(file)) {
    // Tightened if found looser (and said so at start, by the store's check of DATA_DIR).
    privateFile(file, false);
    return { spec: { role: 'admin', name: 'admin', token: readFileSync(file, 'utf8').trim() }, file, created: false };
  }
  privateDir(dataDir);
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { spec: { role: 'admin', name: 'admin', token }, file, created: true };
}

/** The roles each kind of access admits (also written into the OpenAPI document, route by route). */
export const ALLOWED: Record<Exclude<Access, 'public' | 'read'>, ReadonlyArray<Role>> = {
  write: ['admin', 'writer'],
  approve: ['admin', 'approver'],
  review: ['admin', 'approver', 'writer', 'preview'],
  admin: ['admin'],
};

export interface AuthOptions {
  /** Who a bearer token belongs to (the token service; tests may give a table of their own). */
  tokens: Pick<TokenService, 'principalOf'>;
  publicRead: boolean;
  /** The clock failure windows are counted by (tests move it). */
  now?: () => number;
}

async function authPlugin(app: FastifyInstance, options: AuthOptions) {
  const principalOf = (token: string) => options.tokens.principalOf(token);

  /**
   * Failed authentications per client address (an IPv6 client by its /64),
   * in this process's memory, as many addresses as the rate limit keeps.
   */
  const failures = new FixedWindows(AUTH_FAILURES_MAX, AUTH_FAILURE_WINDOW_SECONDS * 1000, undefined, options.now);

  app.decorateRequest('principal', null as unknown as Principal);
  /** The caller's principal, or the reason it may not go on. */
  function admit(request: FastifyRequest): ApiError | undefined {
    request.principal = ANONYMOUS;
    const access = request.routeOptions.config?.access ?? 'read';
    if (access === 'public') return undefined;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const address = addressKey(request.ip);
      // Once an address is over its failures, no token from it is looked at, a valid one neither:
      // were a right guess answered, the refusals would only tell a guesser its wrong ones.
      const standing = failures.peek(address);
      if (!standing.allowed) {
        const wait = Math.max(1, Math.ceil(standing.resetMs / 1000));
        return new ApiError('rate_limited', `too many invalid tokens from this address (at most ${AUTH_FAILURES_MAX} every ${AUTH_FAILURE_WINDOW_SECONDS} s): no token from it is checked for ${wait} s`, {
          details: [{ field: 'authorization', message: 'too many invalid tokens from this address' }],
          retryAfter: wait,
        });
      }
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
      const principal = match === null ? undefined : principalOf(match[1]!);
      if (principal === undefined) {
        const counted = failures.hit(address);
        if (counted.remaining === 0 && counted.allowed) {
          request.log.warn({ address }, `${AUTH_FAILURES_MAX} invalid tokens from this address: no token from it is checked for ${Math.ceil(counted.resetMs / 1000)} s`);
        }
        return new ApiError('unauthorized', 'the bearer token is not valid', { details: [{ field: 'authorization', message: 'invalid token' }] });
      }
      request.principal = principal;
    } else if (access !== 'read' || !options.publicRead) {
      return new ApiError('unauthorized', 'this request needs a bearer token: Authorization: Bearer <token>', {
        details: [{ field: 'authorization', message: 'missing' }],
      });
    }
    if (access === 'read') return undefined;
    const role = request.principal.role;
    if (role === 'anonymous' || !ALLOWED[access].includes(role)) {
      return new ApiError('forbidden', `the ${role} role may not do this; it needs ${ALLOWED[access].join(' or ')}`, {
        details: [{ field: 'authorization', message: `role ${role} not allowed` }],
      });
    }
    return undefined;
  }

  // A callback hook: every answer passes here, and a promise per request is time.
  app.addHook('onRequest', (request, _reply, done) => done(admit(request)));
}

export default fp(authPlugin, { name: 'auth' });
