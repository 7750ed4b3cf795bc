import { count, eq } from 'drizzle-orm';
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
   * Unknown user and wrong password answer the same (no account discovery). N failures lock the account for M
   * minutes; a locked account is refused before the password is even checked.
   */
  async signIn(username: string, password: string): Promise<User> {
    const row = this.db().select().from(users).where(eq(users.username, username)).get();
    const now = this.clock.now();
    if (!row || !row.active) {
      // Same cost as a real check, so timing does not tell which usernames exist.
      await verifyPassword(password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      throw new ApiError('BAD_CREDENTIALS', 'wrong username or password');
    }
    await this.checkPassword(row, password, now);
    this.session.signIn(toUser(row));
    return toUser(row);
  }

  private async checkPassword(row: UserRow, password: string, now: Date): Promise<void> {
    if (row.lockedUntil && new Date(row.lockedUntil) > now) {
      throw new ApiError('LOCKED_OUT', `account locked until ${row.lockedUntil}`, { until: row.lockedUntil });
    }
    const { maxFailedSignIns, lockoutMinutes } = readSettings(this.db()).security;
    if (await verifyPassword(password, row.passwordHash)) {
      this.db().update(users).set({ failedSignIns: 0, lockedUntil: null }).where(eq(users.id, row.id)).run();
      return;
    }
    const failed = (row.lockedUntil ? 0 : row.failedSignIns) + 1;
    if (failed >= maxFailedSignIns) {
      const until = new Date(now.getTime() + lockoutMinutes * 60_000).toISOString();
      this.db().update(users).set({ failedSignIns: 0, lockedUntil: until, updatedAt: now.toISOString() }).where(eq(users.id, row.id)).run();
      throw new ApiError('LOCKED_OUT', `too many failed sign-ins; locked until ${until}`, { until });
    }
    this.db().update(users).set({ failedSignIns: failed, lockedUntil: null, updatedAt: now.toISOString() }).where(eq(users.id, row.id)).run();
    throw new ApiError('BAD_CREDENTIALS', 'wrong username or password', { remaining: maxFailedSignIns - failed });
  }

  /** Unlock after idle: only the same user; failures count toward the lockout, which also signs the user out. */
  async unlock(password: string): Promise<User> {
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'nobody is signed in');
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
    if (row.role === 'admin' && (input.role && input.role !== 'admin' || input.active === false) && this.activeAdmins() <= 1) {
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
