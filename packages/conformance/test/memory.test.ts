import { createMemoryStore } from '@agent-conversations/core';
import { runConformanceSuite } from '../src/index.js';

// The reference store passes the whole suite; every check runs (no capability is declared missing).
runConformanceSuite({ name: 'memory', createStore: () => createMemoryStore() });
