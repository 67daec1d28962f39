/**
 * Secrets every instance on one store shares (the key that signs the
 * changes feed's cursors), kept in the store itself so that a cursor one
 * instance gave is accepted by every other. Whichever instance first needs
 * a secret creates it; should two create one at the same moment, the
 * store keeps one of them (`claim`), and an instance that kept the other
 * finds out on the first cursor it cannot verify and reads it again.
 */
import { randomBytes } from 'node:crypto';
import type { StatePort } from '../store/store.ts';

/** Bytes of a new secret: HMAC-SHA256's block-sized key is far more than enough; 32 is its output size. */
export const SECRET_BYTES = 32;
/** A secret is read again from the store at most this often (ms) when something it signed does not verify. */
export const SECRET_REREAD_MS = 5_000;

const stateKey = (name: string) => `secret:${name}`;

export class StoreSecrets {
  private readonly known = new Map<string, { value: Buffer; readAt: number }>();

  constructor(
    private readonly store: StatePort,
    private readonly clock: () => number = Date.now,
  ) {}

  private async read(name: string): Promise<Buffer> {
    let text = await this.store.stateValue(stateKey(name));
    if (text === null) {
      await this.store.claim(stateKey(name), randomBytes(SECRET_BYTES).toString('base64url'));
      // Read back what the store kept: another instance may have claimed one too.
      text = await this.store.stateValue(stateKey(name));
      if (text === null) throw new Error(`the store did not keep the secret ${name}`);
    }
    const value = Buffer.from(text, 'base64url');
    this.known.set(name, { value, readAt: this.clock() });
    return value;
  }

  /** The secret named `name`, created in the store on first use. */
  async get(name: string): Promise<Buffer> {
    return this.known.get(name)?.value ?? this.read(name);
  }

  /**
   * The secret as the store holds it now, when it may have changed under
   * this instance (something signed with it did not verify); null when it
   * was read too recently to be worth asking again.
   */
  async reread(name: string): Promise<Buffer | null> {
    const known = this.known.get(name);
    if (known !== undefined && this.clock() - known.readAt < SECRET_REREAD_MS) return null;
    const value = await this.read(name);
    return known !== undefined && value.equals(known.value) ? null : value;
  }
}
