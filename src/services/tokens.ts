/**
 * Who is calling (API.md "Tokens and scopes"): the tokens of `API_TOKENS`
 * (bootstrap, unscoped) and those made through the API, kept in the store
 * as SHA-256 hashes. Every instance holds them in memory by hash, so a
 * request's check is one lookup; a new or revoked token reaches every
 * instance with the catalog's change marker (within CHANGE_CHECK_MS).
 * When a token was last used is noted in memory and stored at most once a
 * TOKEN_USE_FLUSH_MS: a request never waits for it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenSpec } from '../config.ts';
import type { Scope } from '../domain/scope.ts';
import { ApiError, type ErrorDetail } from '../errors.ts';
import type { Role } from '../roles.ts';
import type { StoredToken, TokenScope, TokensPort } from '../store/store.ts';
import type { CatalogService } from './catalog.ts';

/** Who a request comes from: built once per request, asked by ingest and the read view. */
export interface Principal {
  role: Role | 'anonymous';
  /** Recorded as `by` on what this caller posts, and in the access log. */
  holder: string;
  /** What the token may touch, or null: all its role allows. */
  scope: Scope | null;
  /** The stored token's id (null: a bootstrap token or none). */
  tokenId: string | null;
}

export const ANONYMOUS: Principal = { role: 'anonymous', holder: 'anonymous', scope: null, tokenId: null };

/** Random bytes of a token: 256 bits, written as 43 base64url characters after its prefix. */
const TOKEN_BYTES = 32;
/** Says what the string is when it turns up in a log or a repository (a secret scanner can look for it). */
const TOKEN_PREFIX = 'rit_';
/** How often noted uses are stored: lastUsedAt is kept to the minute, at one write a minute at most. */
export const TOKEN_USE_FLUSH_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface TokenInput {
  role: Role;
  holder: string;
  scope?: TokenScope | undefined;
  expiresAt?: string | undefined;
}

export class TokenService {
  private readonly bootstrap: Array<{ hash: Buffer; principal: Principal }>;
  private byHash = new Map<string, StoredToken>();
  private byId = new Map<string, StoredToken>();
  /** Uses noted since the last flush, by token id. */
  private readonly used = new Map<string, number>();
  /** Scopes as the catalog expands them, by token id, for one catalog generation. */
  private scopes = new Map<string, Scope>();
  private scopesOf = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: TokensPort,
    private readonly catalog: CatalogService,
    bootstrap: readonly TokenSpec[],
    private readonly clock: () => number = Date.now,
  ) {
    this.bootstrap = bootstrap.map((t) => ({ hash: sha256(t.token), principal: { role: t.role, holder: t.name, scope: null, tokenId: null } }));
    this.timer = setInterval(() => void this.flush().catch(() => undefined), TOKEN_USE_FLUSH_MS);
    this.timer.unref();
  }

  async reload(): Promise<void> {
    const tokens = await this.store.tokens();
    this.byHash = new Map(tokens.filter((t) => t.revokedAt === null).map((t) => [t.hash, t]));
    this.byId = new Map(tokens.map((t) => [t.id, t]));
    this.scopes.clear();
  }

  /** The principal of a bearer token, or undefined when it is unknown, revoked or expired. */
  principalOf(token: string): Principal | undefined {
    const hash = sha256(token);
    let found: Principal | undefined;
    // Every bootstrap token is compared, so the time taken says nothing about which matched.
    for (const b of this.bootstrap) if (timingSafeEqual(b.hash, hash)) found = b.principal;
    if (found !== undefined) return found;
    // A lookup by the token's hash: its time depends on the hash, which says nothing of any token held.
    const stored = this.byHash.get(hash.toString('hex'));
    const now = this.clock();
    if (stored === undefined || (stored.expiresAt !== null && stored.expiresAt <= now)) return undefined;
    this.used.set(stored.id, now);
    return { role: stored.role, holder: stored.holder, scope: this.scopeOf(stored), tokenId: stored.id };
  }

  private scopeOf(token: StoredToken): Scope | null {
    if (token.scope === null || (token.scope.regions === undefined && token.scope.indicators === undefined)) return null;
    if (this.scopesOf !== this.catalog.generation) {
      this.scopes = new Map();
      this.scopesOf = this.catalog.generation;
    }
    let scope = this.scopes.get(token.id);
    if (scope === undefined) {
      scope = {
        regions: token.scope.regions === undefined ? null : this.catalog.subtreeOf(token.scope.regions),
        indicators: token.scope.indicators === undefined ? null : new Set(token.scope.indicators),
      };
      this.scopes.set(token.id, scope);
    }
    return scope;
  }

  /** Make a token: answered once with the token itself, kept only as its hash. */
  async create(input: TokenInput, by: string) {
    const details: ErrorDetail[] = [];
    if (input.role === 'admin' && input.scope !== undefined) {
      details.push({ field: 'scope', message: 'an admin token cannot be scoped: it could make unscoped tokens' });
    }
    if (input.role === 'approver' && input.scope?.regions !== undefined) {
      details.push({ field: 'scope.regions', message: "an approver approves an indicator's whole month: its scope names indicators only" });
    }
    (input.scope?.regions ?? []).forEach((code, i) => {
      if (this.catalog.resolveRegion(code) === undefined) details.push({ field: `scope.regions.${i}`, message: `no region ${code}` });
    });
    (input.scope?.indicators ?? []).forEach((code, i) => {
      if (this.catalog.findIndicator(code) === undefined) details.push({ field: `scope.indicators.${i}`, message: `no indicator ${code}` });
    });
    const now = this.clock();
    const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
    if (expiresAt !== null && expiresAt <= now) details.push({ field: 'expiresAt', message: 'must be in the future' });
    if (details.length > 0) throw new ApiError('validation_failed', `the token was not made: ${details[0]!.field} ${details[0]!.message}`, { details });
    const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    const scope = input.scope === undefined ? null : { ...(input.scope.regions === undefined ? {} : { regions: [...new Set(input.scope.regions)] }), ...(input.scope.indicators === undefined ? {} : { indicators: [...new Set(input.scope.indicators)] }) };
    const stored: StoredToken = {
      id: randomBytes(9).toString('base64url'),
      hash: sha256(token).toString('hex'),
      role: input.role,
      holder: input.holder,
      scope,
      createdAt: now,
      createdBy: by,
      expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.saveToken(stored);
    await this.reload();
    return { id: stored.id, token, role: stored.role, holder: stored.holder, scope, createdAt: iso(now)!, expiresAt: iso(expiresAt) };
  }

  /** Every token made through the API, revoked ones too; never a token or its hash. */
  list() {
    return {
      tokens: [...this.byId.values()].map((t) => ({
        id: t.id,
        role: t.role,
        holder: t.holder,
        scope: t.scope,
        createdAt: iso(t.createdAt)!,
        createdBy: t.createdBy,
        expiresAt: iso(t.expiresAt),
        lastUsedAt: iso(Math.max(t.lastUsedAt ?? 0, this.used.get(t.id) ?? 0) || null),
        revokedAt: iso(t.revokedAt),
      })),
    };
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revokeToken(id, this.clock()))) {
      throw new ApiError('not_found', `no token ${id} that is not revoked already`, { details: [{ field: 'id', message: 'not found' }] });
    }
    await this.reload();
  }

  /** Store the uses noted since the last flush. */
  async flush(): Promise<void> {
    if (this.used.size === 0) return;
    const uses = [...this.used].map(([id, lastUsedAt]) => ({ id, lastUsedAt }));
    this.used.clear();
    try {
      await this.store.touchTokens(uses);
    } catch (error) {
      // Noted again for the next flush, unless a later use was noted meanwhile.
      for (const { id, lastUsedAt } of uses) if (!this.used.has(id)) this.used.set(id, lastUsedAt);
      throw error;
    }
    for (const { id, lastUsedAt } of uses) {
      const t = this.byId.get(id);
      if (t !== undefined) t.lastUsedAt = Math.max(t.lastUsedAt ?? 0, lastUsedAt);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }
}
