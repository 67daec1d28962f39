/**
 * Bearer tokens and roles (API.md, Authentication). Tokens are held only as
 * SHA-256 hashes and compared in constant time; a route declares what it
 * needs in `config.access`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role, TokenSpec } from '../config.ts';
import { ApiError } from '../errors.ts';

/** public: never needs a token; read: any token, or none with PUBLIC_READ; write: writer or admin; admin: admin. */
export type Access = 'public' | 'read' | 'write' | 'admin';

export interface Principal {
  role: Role | 'anonymous';
  /** Recorded as `by` on what this caller posts. */
  name: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

export const ADMIN_TOKEN_FILE = 'admin-token';
const ANONYMOUS: Principal = { role: 'anonymous', name: 'anonymous' };

interface HeldToken {
  hash: Buffer;
  principal: Principal;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * With API_TOKENS unset, the first start writes an admin token to
 * DATA_DIR (owner-only) and later starts reuse it: writes never go
 * unauthenticated. Answers the file's path when it is used.
 */
export function generatedAdminToken(dataDir: string): { spec: TokenSpec; file: string; created: boolean } {
  const file = resolve(join(dataDir, ADMIN_TOKEN_FILE));
  if (existsSync(file)) {
    return { spec: { role: 'admin', name: 'admin', token: readFileSync(file, 'utf8').trim() }, file, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { spec: { role: 'admin', name: 'admin', token }, file, created: true };
}

const ALLOWED: Record<Exclude<Access, 'public' | 'read'>, ReadonlyArray<Role>> = {
  write: ['admin', 'writer'],
  admin: ['admin'],
};

export interface AuthOptions {
  tokens: TokenSpec[];
  publicRead: boolean;
}

async function authPlugin(app: FastifyInstance, options: AuthOptions) {
  const held: HeldToken[] = options.tokens.map((t) => ({ hash: sha256(t.token), principal: { role: t.role, name: t.name } }));

  function principalOf(token: string): Principal | undefined {
    const hash = sha256(token);
    let found: Principal | undefined;
    // Every held token is compared, so the time taken says nothing about which matched.
    for (const h of held) if (timingSafeEqual(h.hash, hash)) found = h.principal;
    return found;
  }

  app.decorateRequest('principal', null as unknown as Principal);
  /** The caller's principal, or the reason it may not go on. */
  function admit(request: FastifyRequest): ApiError | undefined {
    request.principal = ANONYMOUS;
    const access = request.routeOptions.config?.access ?? 'read';
    if (access === 'public') return undefined;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
      const principal = match === null ? undefined : principalOf(match[1]!);
      if (principal === undefined) {
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
