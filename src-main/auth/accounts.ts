// Operator accounts: scrypt password hashes, sessions that expire when idle, lock after
// repeated failures. Sessions live in memory: a restart signs everybody out, which is the
// safe side for a control room.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ApiError, type Account, type Principal, type Role, type SessionInfo } from '../../src-shared/api/index.ts';
import type { Archive, StoredAccount } from '../archive/index.ts';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 64 };

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export interface AccountOptions {
  /** A session unused for this long expires, ms (default 8 h: one shift). */
  sessionIdleMs?: number;
  /** Wrong passwords in a row before the account locks (default 5). */
  maxFailures?: number;
  /** How long a locked account stays locked, ms (default 15 min). */
  lockMs?: number;
}

interface Session extends Principal {
  token: string;
  expiresAt: number;
}

function toAccount(a: StoredAccount): Account {
  return { username: a.username, role: a.role as Role, disabled: a.disabled === 1, lockedUntil: a.locked_until, createdAt: a.created_at, lastLoginAt: a.last_login_at };
}

export class AccountService {
  private readonly archive: Archive;
  private readonly sessions = new Map<string, Session>();
  private readonly options: Required<AccountOptions>;

  constructor(archive: Archive, options: AccountOptions = {}) {
    this.archive = archive;
    this.options = { sessionIdleMs: 8 * 3_600_000, maxFailures: 5, lockMs: 15 * 60_000, ...options };
  }

  hasAccounts(): boolean {
    return this.archive.accounts().length > 0;
  }

  list(): Account[] {
    return this.archive.accounts().map(toAccount);
  }

  /** Creates or updates an account; a new account needs a password. */
  async put(username: string, role: Role, password: string | undefined, disabled = false): Promise<Account> {
    const existing = this.archive.account(username);
    if (!existing && password === undefined) throw new ApiError('BadRequest', `A new account (${username}) needs a password of at least 10 characters`);
    const stored: StoredAccount = {
      username,
      role,
      password_hash: password === undefined ? (existing as StoredAccount).password_hash : await hashPassword(password),
      disabled: disabled ? 1 : 0,
      failed_attempts: password === undefined ? (existing?.failed_attempts ?? 0) : 0,
      locked_until: password === undefined ? (existing?.locked_until ?? null) : null,
      created_at: existing?.created_at ?? new Date().toISOString(),
      last_login_at: existing?.last_login_at ?? null,
    };
    await this.archive.saveAccount(stored);
    // A changed role or a disabled account takes effect at once on open sessions.
    for (const [token, session] of this.sessions) {
      if (session.username !== username) continue;
      if (disabled) this.sessions.delete(token);
      else session.role = role;
    }
    return toAccount(stored);
  }

  /** Checks a password; the message never says whether the user exists. */
  async login(username: string, password: string, now = Date.now()): Promise<SessionInfo> {
    const account = this.archive.account(username);
    const refused = new ApiError('Forbidden', 'Wrong user name or password');
    if (!account) {
      // Same cost as a real check, so timing does not reveal which names exist.
      await verifyPassword(password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA').catch(() => false);
      throw refused;
    }
    if (account.disabled === 1) throw new ApiError('Forbidden', 'This account is disabled');
    if (account.locked_until !== null && Date.parse(account.locked_until) > now) {
      throw new ApiError('Forbidden', `Too many wrong passwords: the account is locked until ${account.locked_until}`);
    }
    if (!(await verifyPassword(password, account.password_hash))) {
      const failures = account.failed_attempts + 1;
      const lock = failures >= this.options.maxFailures;
      await this.archive.saveAccount({ ...account, failed_attempts: lock ? 0 : failures, locked_until: lock ? new Date(now + this.options.lockMs).toISOString() : account.locked_until });
      throw lock ? new ApiError('Forbidden', `Too many wrong passwords: the account is locked for ${Math.round(this.options.lockMs / 60_000)} minutes`) : refused;
    }
    await this.archive.saveAccount({ ...account, failed_attempts: 0, locked_until: null, last_login_at: new Date(now).toISOString() });
    const session: Session = { token: randomBytes(32).toString('base64url'), username, role: account.role as Role, expiresAt: now + this.options.sessionIdleMs };
    this.sessions.set(session.token, session);
    return { token: session.token, username, role: session.role, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  /** The principal of a valid session (its idle timer restarts), or null. */
  resume(token: string, now = Date.now()): Principal | null {
    const session = this.sessions.get(token);
    if (!session) return null;
    if (session.expiresAt <= now) {
      this.sessions.delete(token);
      return null;
    }
    session.expiresAt = now + this.options.sessionIdleMs;
    return { username: session.username, role: session.role };
  }

  logout(token: string): void {
    this.sessions.delete(token);
  }
}
