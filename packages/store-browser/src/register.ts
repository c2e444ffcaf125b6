import { registerStoreAdapter } from '@agent-conversations/core';
import { browserAdapter } from './adapter.js';

registerStoreAdapter(browserAdapter);
