/**
 * What every backend workload is: a name, what it needs (the seeded directory or an empty
 * connection), and a factory for the step each of the load generator's clients repeats.
 */
import type { Step } from '../loadGenerator.js';
import type { PeopleOptions } from '../../../test/idp/common.js';

export type WorkloadName = 'entra-sync' | 'okta-import' | 'steady-mix' | 'deprovision-wave' | 'hot-read';

/** One SCIM connection of the server under test, and the directory the harness seeded into it. */
export interface Target {
  origin: string;
  connectionId: string;
  secret: string;
  /** Directory users present before the run (0 for an initial sync). */
  users: number;
  /** SCIM ids in seeding order: ids[i] belongs to personAt(i, people). */
  ids: string[];
  people: PeopleOptions;
}

export interface WorkloadRun {
  step: Step;
  /** Directory users handled so far (created, imported or deprovisioned), for users/s. */
  users(): number;
}

export interface RunLimits {
  /** Time-bound workloads run this long; amount-bound ones repeat until at least this long (import passes). */
  seconds: number;
  /** Users an initial sync provisions (the directory size being measured). */
  users: number;
}

export interface Workload {
  name: WorkloadName;
  title: string;
  /** One sentence for RESULTS.md: what each client sends. */
  description: string;
  /** Whether users/s is a headline figure (sync, import, wave). */
  countsUsers: boolean;
  /** 'empty': an empty connection that the workload fills (initial sync); 'directory': the seeded one. */
  needs: 'empty' | 'directory';
  /** The run stops when the workload is done (amount-bound) rather than after `seconds`. */
  amountBound: boolean;
  create(target: Target, limits: RunLimits): WorkloadRun;
}

export function bearer(target: Target, userAgent: string): Record<string, string> {
  return { authorization: `Bearer ${target.secret}`, 'user-agent': userAgent };
}

export const scimPath = (target: Target, rest: string) => `/scim/v2/${target.connectionId}${rest}`;
