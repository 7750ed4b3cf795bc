/**
 * The reminder list's parsed mirror: every open enrolment's due facts and each resident's latest health check of the
 * year, kept in memory per connection (in practice the reminder worker's), so a list does not turn 65,000 due-state
 * rows into objects again on every call (docs/followup-rules.md, "Where the time goes").
 *
 * It is brought up to date at the start of every list, inside the list's read transaction: triggers (migration 0031)
 * log each resident whose due state or health checks were written, with a counter that only grows; the mirror
 * re-reads only the residents logged after the counter it last saw. So the first list after a write reads one
 * resident's rows, and what a list sees is always the committed state of its own snapshot. A counter that went
 * backwards (another database behind the same connection) or a large batch of changes (a rebuild, a sync pull)
 * reloads everything, which is what every list cost before.
 */

import type { DueFacts } from '../../shared/followup';
import type { ReadClient, ReadDb } from '../db/handles';
import * as repo from './repository';

/** More changed residents than this are cheaper to read as the whole table than one by one. */
const RELOAD_ABOVE = 4_000;

interface Mirror {
  seq: number;
  facts: Map<string, DueFacts[]>;
  checksFrom: string;
  checksTo: string;
  checks: Map<string, string>;
}

const mirrors = new WeakMap<ReadClient, Mirror>();

export interface ListState {
  facts: ReadonlyMap<string, readonly DueFacts[]>;
  /** Each resident's latest health check within [from, to]. */
  checks: ReadonlyMap<string, string>;
}

function load(db: ReadDb, seq: number, from: string, to: string): Mirror {
  return { seq, facts: repo.dueFactsByPatient(db), checksFrom: from, checksTo: to, checks: repo.latestHealthChecksBetween(db, from, to) };
}

/**
 * The due facts and health checks as of the caller's read transaction; `from`–`to` is the health-check window (the
 * reporting year up to the list's day). Throws outside a transaction: the counter and the rows must be one snapshot.
 */
export function listState(db: ReadDb, from: string, to: string): ListState {
  const sqlite = db.$client;
  if (!sqlite.inTransaction) throw new Error('listState must run inside the list’s read transaction');
  const seq = repo.listChangeCounter(db);
  let mirror = mirrors.get(sqlite);
  if (!mirror || seq < mirror.seq) {
    mirror = load(db, seq, from, to);
    mirrors.set(sqlite, mirror);
    return mirror;
  }
  if (seq > mirror.seq) {
    const changed = repo.patientsChangedSince(db, mirror.seq, RELOAD_ABOVE);
    if (changed.length > RELOAD_ABOVE) {
      mirror = load(db, seq, from, to);
      mirrors.set(sqlite, mirror);
      return mirror;
    }
    const facts = repo.dueFactsByPatient(db, changed);
    for (const id of changed) {
      const list = facts.get(id);
      if (list) mirror.facts.set(id, list);
      else mirror.facts.delete(id);
    }
    if (mirror.checksFrom === from && mirror.checksTo === to) {
      const checks = repo.latestHealthChecksOf(db, changed, from, to);
      for (const id of changed) {
        const date = checks.get(id);
        if (date === undefined) mirror.checks.delete(id);
        else mirror.checks.set(id, date);
      }
    }
    mirror.seq = seq;
  }
  if (mirror.checksFrom !== from || mirror.checksTo !== to) {
    // Another day (or year start): the window moved, so the whole year's checks are read again (one index range).
    mirror.checks = repo.latestHealthChecksBetween(db, from, to);
    mirror.checksFrom = from;
    mirror.checksTo = to;
  }
  return mirror;
}

/** Forgets the connection's mirror (tests that compare a fresh read with the kept one). */
export function dropListMirror(db: ReadDb): void {
  mirrors.delete(db.$client);
}
