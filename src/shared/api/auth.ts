import { z } from 'zod';
import { method, ROLES } from './define';

export const roleSchema = z.enum(ROLES);
export const usernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'username: letters, digits, _ . -');
/** Length bounds only: the configurable policy (min length, classes) is checked by the auth service. */
export const passwordSchema = z.string().min(1).max(128);

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  active: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

export const authStatusSchema = z.object({
  /** No administrator exists yet: show first-run setup. */
  firstRun: z.boolean(),
  user: userSchema.nullable(),
  /** Signed in but idle-locked: show the lock screen over the current page. */
  locked: z.boolean(),
  idleLockMinutes: z.number(),
});
export type AuthStatus = z.infer<typeof authStatusSchema>;

export const authContract = {
  status: method({ input: z.object({}), output: authStatusSchema, access: 'public', audit: 'none' }),
  setupAdmin: method({
    input: z.object({
      username: usernameSchema,
      displayName: z.string().trim().min(1).max(40),
      password: passwordSchema,
      /** Who the station is (设置 can change it later): the institution's name, national code and villages. */
      institution: z
        .object({
          facilityName: z.string().trim().max(60),
          institutionCode: z.string().max(40),
          villages: z.array(z.string().trim().min(1).max(40)).max(500).optional(),
        })
        .optional(),
    }),
    output: userSchema,
    access: 'public',
    audit: 'auth',
  }),
  signIn: method({
    input: z.object({ username: z.string().trim().min(1).max(32), password: passwordSchema }),
    output: userSchema,
    access: 'public',
    audit: 'auth',
  }),
  signOut: method({ input: z.object({}), output: z.object({}), access: 'public', audit: 'auth' }),
  /** Unlock after the idle lock, as the same user; the page underneath keeps its state. */
  unlock: method({ input: z.object({ password: passwordSchema }), output: userSchema, access: 'public', audit: 'auth' }),
  /** The renderer reports keyboard/mouse activity (throttled) so main's idle clock sees typing without calls. */
  heartbeat: method({ input: z.object({}), output: z.object({ locked: z.boolean() }), access: 'public', audit: 'none' }),
  changePassword: method({
    input: z.object({ currentPassword: passwordSchema, newPassword: passwordSchema }),
    output: z.object({}),
    access: 'signedIn',
    audit: 'auth',
  }),
};

export const usersContract = {
  list: method({ input: z.object({}), output: z.array(userSchema), access: ['admin'], audit: 'admin' }),
  create: method({
    input: z.object({ username: usernameSchema, displayName: z.string().trim().min(1).max(40), role: roleSchema, password: passwordSchema }),
    output: userSchema,
    access: ['admin'],
    audit: 'admin',
  }),
  update: method({
    input: z.object({
      id: z.number().int(),
      displayName: z.string().trim().min(1).max(40).optional(),
      role: roleSchema.optional(),
      active: z.boolean().optional(),
      resetPassword: passwordSchema.optional(),
    }),
    output: userSchema,
    access: ['admin'],
    audit: 'admin',
  }),
};
