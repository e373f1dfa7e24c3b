/**
 * argon2id password hashes at the configured cost (OWASP's m=19 MiB, t=2,
 * p=1 by default). A hash made with other parameters still verifies, and
 * {@link PasswordHasher.needsRehash} tells the login to store a new one, so
 * raising the cost upgrades every active account on its next sign-in.
 */
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';
import type { Config } from '../../config/load-config.ts';

// Algorithm is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export interface PasswordHashParameters {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export class PasswordHasher {
  readonly parameters: PasswordHashParameters;
  #dummy: Promise<string> | null = null;

  constructor(parameters: PasswordHashParameters) {
    this.parameters = parameters;
  }

  static fromConfig(config: Pick<Config, 'PASSWORD_HASH_MEMORY_KIB' | 'PASSWORD_HASH_ITERATIONS' | 'PASSWORD_HASH_PARALLELISM'>): PasswordHasher {
    return new PasswordHasher({
      memoryCost: config.PASSWORD_HASH_MEMORY_KIB,
      timeCost: config.PASSWORD_HASH_ITERATIONS,
      parallelism: config.PASSWORD_HASH_PARALLELISM,
    });
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.parameters });
  }

  /** False for a wrong password and for a stored value that is not an argon2 hash. */
  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as verifying a real hash, for an unknown email, so
   * response time does not tell which addresses have accounts. Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('switchboard-dummy-password');
    await this.verify(await this.#dummy, password);
    return false;
  }

  /** Whether `stored` was made with other parameters (or another algorithm) than the configured ones. */
  needsRehash(stored: string): boolean {
    try {
      const used = parseOptions(stored);
      return used.algorithm !== ARGON2ID
        || used.memoryCost !== this.parameters.memoryCost
        || used.timeCost !== this.parameters.timeCost
        || used.parallelism !== this.parameters.parallelism;
    } catch {
      return true;
    }
  }
}

const hashers = new WeakMap<object, PasswordHasher>();

/** The hasher of a context's configuration, made once (its dummy hash is computed once too). */
export function passwordHasher(ctx: { config: Config }): PasswordHasher {
  let hasher = hashers.get(ctx);
  if (hasher === undefined) {
    hasher = PasswordHasher.fromConfig(ctx.config);
    hashers.set(ctx, hasher);
  }
  return hasher;
}
