import type { z } from 'zod';

export const ROLES = ['admin', 'doctor', 'nurse'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may call a method. `public`: anyone (sign-in, first-run). `signedIn`: any signed-in, unlocked user.
 * A role list: only those roles. Checked in main for every call (the UI hiding a button is not access control).
 */
export type Access = 'public' | 'signedIn' | readonly Role[];

/**
 * How a call is written to the audit log. `read`/`write` of patient data is always logged with its outcome;
 * `none` is for calls that touch no patient data and no settings (status polls, heartbeats).
 */
export type AuditKind = 'none' | 'read' | 'write' | 'auth' | 'admin' | 'export';

export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  access: Access;
  audit: AuditKind;
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def;
}

/** A namespace of methods, e.g. `auth: { signIn, signOut }`. */
export type Namespace = Record<string, MethodDef>;
export type ContractShape = Record<string, Namespace>;

/** IPC channel / HTTP path segment of a method: `auth.signIn`. */
export function channelOf(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}
