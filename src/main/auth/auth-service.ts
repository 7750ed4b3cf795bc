import { and, count, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { AuthStatus, User } from '../../shared/api/auth';
import type { Role } from '../../shared/api/define';
import { ApiError } from '../../shared/api/errors';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { users } from '../db/schema';
import type { Session } from '../session/session';
import { readSettings } from '../settings/settings-service';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords';

type UserRow = typeof users.$inferSelect;

/** A well-formed hash of nothing, with the same scrypt parameters as real ones: unknown names cost the same work. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, active: row.active };
}

export class AuthService {
  constructor(
    private readonly db: () => Db,
    private readonly session: Session,
    private readonly clock: Clock,
  ) {}

  hasUsers(): boolean {
    return (this.db().select({ n: count() }).from(users).get()?.n ?? 0) > 0;
  }

  status(dbOpen: boolean): AuthStatus {
    const idleLockMinutes = dbOpen ? readSettings(this.db()).security.idleLockMinutes : 10;
    return {
      firstRun: dbOpen ? !this.hasUsers() : false,
      user: this.session.user,
      locked: this.session.isLocked(idleLockMinutes),
      idleLockMinutes,
    };
  }

  private async enforcePolicy(password: string, username: string): Promise<string> {
    const rule = checkPasswordPolicy(password, username, readSettings(this.db()).security);
    if (rule) {
      throw new ApiError('PASSWORD_POLICY', `password breaks the policy: ${rule}`, { rule, min: readSettings(this.db()).security.passwordMinLength });
    }
    return hashPassword(password);
  }

  async setupAdmin(input: { username: string; displayName: string; password: string }): Promise<User> {
    if (this.hasUsers()) throw new ApiError('ALREADY_SET_UP', 'the station already has an administrator');
    const user = await this.insertUser({ ...input, role: 'admin' });
    this.session.signIn(user);
    return user;
  }

  async createUser(input: { username: string; displayName: string; role: Role; password: string }): Promise<User> {
    return this.insertUser(input);
  }

  private async insertUser(input: { username: string; displayName: string; role: Role; password: string }): Promise<User> {
    const passwordHash = await this.enforcePolicy(input.password, input.username);
    const now = this.clock.now().toISOString();
    const existing = this.db().select().from(users).where(eq(users.username, input.username)).get();
    if (existing) throw new ApiError('DUPLICATE', `user ${input.username} exists`, { reason: 'USER_EXISTS', username: input.username });
    const row = this.db()
      .insert(users)
      .values({ username: input.username, displayName: input.displayName, role: input.role, passwordHash, createdAt: now, updatedAt: now })
      .returning()
      .get();
    return toUser(row);
  }

  /**
   * Unknown user and wrong password answer the same: same code, same fields (`remaining`, `until`), same scrypt
   * work (a dummy hash) and the same lockout, kept in memory for names that are not accounts. N failures lock the
   * account for M minutes; a locked account is refused before the password is even checked.
   */
  async signIn(username: string, password: string): Promise<User> {
    return this.serialized(username, async () => {
      const row = this.db().select().from(users).where(eq(users.username, username)).get();
      if (!row || !row.active) {
        await this.checkPhantom(username, password, this.clock.now());
        throw new Error('unreachable: a phantom check always refuses');
      }
      await this.checkPassword(row, password, this.clock.now());
      this.session.signIn(toUser(row));
      return toUser(row);
    });
  }

  /**
   * One attempt at a time per username: the claim below is atomic anyway, but serializing also keeps a success
   * from resetting the counter while other guesses for the same account are still being hashed.
   */
  private serialized<T>(username: string, fn: () => Promise<T>): Promise<T> {
    const key = username.toLowerCase();
    const previous = this.attemptQueues.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.attemptQueues.set(key, settled);
    void settled.then(() => {
      if (this.attemptQueues.get(key) === settled) this.attemptQueues.delete(key);
    });
    return run;
  }

  private readonly attemptQueues = new Map<string, Promise<unknown>>();
  /** Failure counters for names that are not active accounts, so they lock exactly like real ones (no discovery). */
  private readonly phantoms = new Map<string, { failed: number; lockedUntil: string | null }>();

  private lockoutOutcome(failed: number, lockedUntil: string | null, max: number): ApiError {
    if (lockedUntil) return new ApiError('LOCKED_OUT', `too many failed sign-ins; locked until ${lockedUntil}`, { until: lockedUntil });
    return new ApiError('BAD_CREDENTIALS', 'wrong username or password', { remaining: max - failed });
  }

  private async checkPhantom(username: string, password: string, now: Date): Promise<never> {
    const { maxFailedSignIns, lockoutMinutes } = readSettings(this.db()).security;
    const key = username.toLowerCase();
    const state = this.phantoms.get(key) ?? { failed: 0, lockedUntil: null };
    if (state.lockedUntil && new Date(state.lockedUntil) > now) {
      throw new ApiError('LOCKED_OUT', `account locked until ${state.lockedUntil}`, { until: state.lockedUntil });
    }
    const failed = (state.lockedUntil ? 0 : state.failed) + 1;
    const lockedUntil = failed >= maxFailedSignIns ? new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() : null;
    if (this.phantoms.size >= 10_000 && !this.phantoms.has(key)) this.phantoms.delete(this.phantoms.keys().next().value!);
    this.phantoms.set(key, { failed: lockedUntil ? 0 : failed, lockedUntil });
    // Same cost as a real check, so timing does not tell which usernames exist.
    await verifyPassword(password, DUMMY_HASH);
    throw this.lockoutOutcome(failed, lockedUntil, maxFailedSignIns);
  }

  /**
   * Claims the attempt in one UPDATE before the (slow, awaited) hash: the counter goes up first, and the attempt
   * that reaches the limit sets the lock in the same statement, so parallel guesses cannot share one stale count.
   * A right password then clears both. SQLite evaluates every SET expression against the row as it was.
   */
  private async checkPassword(row: UserRow, password: string, now: Date): Promise<void> {
    const { maxFailedSignIns, lockoutMinutes } = readSettings(this.db()).security;
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + lockoutMinutes * 60_000).toISOString();
    const nextCount = sql`(CASE WHEN ${users.lockedUntil} IS NOT NULL THEN 1 ELSE ${users.failedSignIns} + 1 END)`;
    const claimed = this.db()
      .update(users)
      .set({
        failedSignIns: sql`CASE WHEN ${nextCount} >= ${maxFailedSignIns} THEN 0 ELSE ${nextCount} END`,
        lockedUntil: sql`CASE WHEN ${nextCount} >= ${maxFailedSignIns} THEN ${until} ELSE NULL END`,
        updatedAt: nowIso,
      })
      .where(and(eq(users.id, row.id), or(isNull(users.lockedUntil), lte(users.lockedUntil, nowIso))))
      .returning({ failedSignIns: users.failedSignIns, lockedUntil: users.lockedUntil })
      .get();
    if (!claimed) {
      const current = this.db().select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, row.id)).get();
      const lockedUntil = current?.lockedUntil ?? until;
      throw new ApiError('LOCKED_OUT', `account locked until ${lockedUntil}`, { until: lockedUntil });
    }
    if (await verifyPassword(password, row.passwordHash)) {
      this.db().update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, row.id)).run();
      return;
    }
    throw this.lockoutOutcome(claimed.lockedUntil ? maxFailedSignIns : claimed.failedSignIns, claimed.lockedUntil, maxFailedSignIns);
  }

  /** Unlock after idle: only the same user; failures count toward the lockout, which also signs the user out. */
  async unlock(password: string): Promise<User> {
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'nobody is signed in');
    return this.serialized(user.username, async () => {
      const row = this.db().select().from(users).where(eq(users.id, user.id)).get();
      if (!row || !row.active) {
        this.session.signOut();
        throw new ApiError('UNAUTHENTICATED', 'the account is no longer active');
      }
      try {
        await this.checkPassword(row, password, this.clock.now());
      } catch (err) {
        if (err instanceof ApiError && err.code === 'LOCKED_OUT') this.session.signOut();
        throw err;
      }
      this.session.unlock();
      return toUser(row);
    });
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'nobody is signed in');
    const row = this.db().select().from(users).where(eq(users.id, user.id)).get()!;
    if (!(await verifyPassword(currentPassword, row.passwordHash))) throw new ApiError('BAD_CREDENTIALS', 'the current password is wrong');
    const passwordHash = await this.enforcePolicy(newPassword, row.username);
    this.db().update(users).set({ passwordHash, updatedAt: this.clock.now().toISOString() }).where(eq(users.id, row.id)).run();
  }

  listUsers(): User[] {
    return this.db().select().from(users).orderBy(users.username).all().map(toUser);
  }

  async updateUser(input: { id: number; displayName?: string; role?: Role; active?: boolean; resetPassword?: string }): Promise<User> {
    const row = this.db().select().from(users).where(eq(users.id, input.id)).get();
    if (!row) throw new ApiError('NOT_FOUND', `no user ${input.id}`);
    if (row.role === 'admin' && ((input.role && input.role !== 'admin') || input.active === false) && this.activeAdmins() <= 1) {
      throw new ApiError('CONFLICT', 'the last active administrator cannot be demoted or disabled', { reason: 'LAST_ADMIN' });
    }
    const patch: Partial<UserRow> = { updatedAt: this.clock.now().toISOString() };
    if (input.displayName !== undefined) patch.displayName = input.displayName;
    if (input.role !== undefined) patch.role = input.role;
    if (input.active !== undefined) patch.active = input.active;
    if (input.resetPassword !== undefined) {
      patch.passwordHash = await this.enforcePolicy(input.resetPassword, row.username);
      patch.failedSignIns = 0;
      patch.lockedUntil = null;
    }
    return toUser(this.db().update(users).set(patch).where(eq(users.id, row.id)).returning().get());
  }

  private activeAdmins(): number {
    return this.listUsers().filter((u) => u.role === 'admin' && u.active).length;
  }
}
