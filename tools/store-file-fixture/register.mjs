// What `import "acme-file-store/register"` does: registers the adapter with core's global registry.
import { registerStoreAdapter } from '@agent-conversations/core';
import { fileAdapter } from './index.mjs';

registerStoreAdapter(fileAdapter);
