/**
 * API tokens in InfluxDB (access-lines.ts): a point per token at its
 * creation time plus a random nanosecond offset; a revocation or a use
 * rewrites one field of that point.
 */
import { randomInt } from 'node:crypto';
import type { StoredToken, TokensPort } from '../store.ts';
import { plainToken, SUB_MS, tokenFieldLine, tokenLine, tokensOf, type TokenRow } from './access-lines.ts';
import { statement } from './queries.ts';
import { EMPTY, getter, type StoreContext } from './store-context.ts';

export class TokensStore implements TokensPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark'>) {}

  private async tokenRows(): Promise<TokenRow[]> {
    const [result = EMPTY] = await this.context.run([statement('tokens', 0, {})]);
    return tokensOf(result.rows.map((row) => getter(result, row)));
  }

  /** A token's point at its creation time plus a random nanosecond offset; an id kept already is refused. */
  async saveToken(token: StoredToken): Promise<void> {
    await this.context.exclusive(async () => {
      if ((await this.tokenRows()).some((t) => t.id === token.id)) throw new Error(`a token with id ${token.id} is kept already`);
      await this.context.writer.write(1, () => tokenLine(token, randomInt(SUB_MS)), undefined, 'ns');
      await this.context.mark(['data', 'catalog']);
    });
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    return this.context.exclusive(async () => {
      const token = (await this.tokenRows()).find((t) => t.id === id);
      if (token === undefined || token.revokedAt !== null) return false;
      await this.context.writer.write(1, () => tokenFieldLine(token, 'revoked_at', at), undefined, 'ns');
      await this.context.mark(['data', 'catalog']);
      return true;
    });
  }

  async tokens(): Promise<StoredToken[]> {
    return (await this.tokenRows()).map(plainToken);
  }

  /** One read of the tokens and one write of the later times: no marker (nobody need reload for it). */
  async touchTokens(uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): Promise<void> {
    if (uses.length === 0) return;
    await this.context.exclusive(async () => {
      const byId = new Map((await this.tokenRows()).map((t) => [t.id, t]));
      const later = new Map<string, number>();
      for (const use of uses) {
        const token = byId.get(use.id);
        if (token === undefined || (token.lastUsedAt !== null && token.lastUsedAt >= use.lastUsedAt)) continue;
        later.set(use.id, Math.max(later.get(use.id) ?? Number.NEGATIVE_INFINITY, use.lastUsedAt));
      }
      const lines = [...later].map(([id, lastUsedAt]) => tokenFieldLine(byId.get(id)!, 'last_used_at', lastUsedAt));
      if (lines.length > 0) await this.context.writer.write(lines.length, (i) => lines[i]!, undefined, 'ns');
    });
  }
}
