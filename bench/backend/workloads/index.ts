/** The backend workloads of issue #6, in the order a size's runs use them (the wave mutates the directory last). */
import type { Workload, WorkloadName } from './workload.js';
import { entraSync } from './entraSync.js';
import { oktaImport } from './oktaImport.js';
import { steadyMix } from './steadyMix.js';
import { deprovisionWave } from './deprovisionWave.js';
import { hotRead } from './hotRead.js';

export const WORKLOADS: Workload[] = [hotRead, oktaImport, steadyMix, deprovisionWave, entraSync];

export function workloadNamed(name: string): Workload {
  const found = WORKLOADS.find((w) => w.name === name);
  if (!found) throw new Error(`Unknown workload "${name}". Known: ${WORKLOADS.map((w) => w.name).join(', ')}.`);
  return found;
}

export type { Workload, WorkloadName };
