import { createMemoryStore } from '@agent-conversations/core';
import { runConformanceSuite } from '../src/index.js';

// The reference store. It cannot run strict: its data lives inside the one object, so there is no second instance
// over the same backend (concurrency.two-instance-race is skipped, surface.close weakened) and no backend to read
// directly (every #storage part is skipped). The closing summary names each of them.
runConformanceSuite({ name: 'memory', createStore: () => createMemoryStore() });
