import { createMemoryStore } from '@agent-conversations/core';
import { describeChatPersistence } from './support/suite.js';

const store = createMemoryStore();
describeChatPersistence('the memory store', () => store);
