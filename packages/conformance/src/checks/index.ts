import type { Check } from '../check.js';
import { concurrencyChecks } from './concurrency.js';
import { copyChecks } from './copies.js';
import { crudChecks } from './crud.js';
import { deleteChecks } from './delete.js';
import { fidelityChecks } from './fidelity.js';
import { idChecks } from './ids.js';
import { isolationChecks } from './isolation.js';
import { listChecks } from './list.js';
import { modelChecks } from './model.js';
import { surfaceChecks } from './surface.js';
import { tieChecks } from './ties.js';
import { orderingChecks } from './ordering.js';
import { upsertChecks } from './upsert.js';
import { validationChecks } from './validation.js';
import { versioningChecks } from './versioning.js';
import { windowChecks } from './window.js';

/** Every check of the suite, grouped by concern in this order. */
export const ALL_CHECKS: readonly Check[] = [
  ...crudChecks,
  ...fidelityChecks,
  ...orderingChecks,
  ...versioningChecks,
  ...listChecks,
  ...tieChecks,
  ...windowChecks,
  ...copyChecks,
  ...isolationChecks,
  ...deleteChecks,
  ...upsertChecks,
  ...concurrencyChecks,
  ...validationChecks,
  ...idChecks,
  ...surfaceChecks,
  ...modelChecks,
];
