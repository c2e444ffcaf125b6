import { registerStoreAdapter } from '@agent-conversations/core';
import { clickhouseAdapter } from './adapter.js';

registerStoreAdapter(clickhouseAdapter);
