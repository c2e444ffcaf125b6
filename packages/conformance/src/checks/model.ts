import type { Check } from '../check.js';
import { expect } from '../expect.js';
import { createExplorer } from '../model/explorer.js';
import { checkProperty, raceProperty, sequenceProperty } from '../model/properties.js';

/** Model-based checks: generated sequences against the reference model, and explored interleavings checked for linearizability. */
export const modelChecks: Check[] = [
  {
    id: 'model.sequences',
    concern: 'model',
    name: 'random sequences of every operation give the results the reference model predicts and leave its state',
    slow: true,
    async run({ store, capabilities, model }) {
      await checkProperty('model.sequences', sequenceProperty(store, capabilities), model);
    },
  },
  {
    id: 'model.interleavings',
    concern: 'model',
    name: 'concurrent calls from two instances, in every explored order of their storage calls, are linearizable',
    slow: true,
    skipUnless: (options) =>
      options.io
        ? null
        : 'the adapter gives no I/O hook (io: { createStore(gate) }): its storage calls cannot be made scheduling points',
    weakenedBy: (_o, caps) =>
      caps.atomicWrites
        ? null
        : 'the adapter declares atomicWrites: false: each explored race is one write and reads beside it, never two writes',
    async run({ io, capabilities, model }) {
      const explorer = createExplorer();
      const first = await io!.createStore(explorer.gate('store 1'));
      try {
        const second = await (io!.createPeerStore ?? io!.createStore)(explorer.gate('store 2'));
        try {
          await checkProperty('model.interleavings', raceProperty([first, second], explorer, capabilities), model);
          expect(
            explorer.gated(),
            "storage calls that awaited the io hook's gate (0: the hook is not wired into the store)",
          ).toBeGreaterThan(0);
        } finally {
          await second.close();
        }
      } finally {
        await first.close();
      }
    },
  },
];
