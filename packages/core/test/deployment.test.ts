import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryStore,
  createStoreResolver,
  parseConversationConfig,
  type ConversationStore,
  type StoreAdapter,
} from '../src/index.js';

const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };
const PG = 'postgresql://app:pg-secret-pw@db.internal:5432/app';
const fake = (kind: string): StoreAdapter => ({
  kind,
  packageName: `@agent-conversations/store-${kind}`,
  create: (): ConversationStore => ({ ...createMemoryStore(), kind, persistent: true }),
});
const resolver = createStoreResolver([fake('postgres'), fake('d1'), fake('clickhouse')]);

function recorder(): { warn(message: string): void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (m: string) => void messages.push(m) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('deployment signals count as production unless the app says otherwise', () => {
  const signals: [string, Record<string, string>, string][] = [
    ['VERCEL_ENV=production', { VERCEL_ENV: 'production' }, 'VERCEL_ENV=production'],
    ['a Kubernetes pod', { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, 'KUBERNETES_SERVICE_HOST is set (a Kubernetes pod)'],
  ];
  for (const [name, env, source] of signals) {
    it(`${name}: production, so auto with no backend fails closed instead of using memory`, async () => {
      const config = parseConversationConfig({ ...ON, ...env }, { logger: recorder() });
      expect(config).toMatchObject({ production: true, productionSource: expect.stringContaining(source) });
      const explanation = resolver.explain({ env: { ...ON, ...env } });
      expect(explanation).toMatchObject({
        decision: null,
        production: true,
        error: { code: 'CONFIG', message: expect.stringContaining('this is production') },
      });
      await expect(resolver.resolve({ env: { ...ON, ...env } })).rejects.toThrow('refuses to fall back to memory');
      // The app says otherwise: the option, or NODE_ENV=development / test.
      expect(resolver.explain({ env: { ...ON, ...env }, production: false, logger: recorder() }).decision).toBe(
        'memory',
      );
      const dev = parseConversationConfig({ ...ON, ...env, NODE_ENV: 'development' }, { logger: recorder() });
      expect(dev).toMatchObject({ production: false, productionSource: `NODE_ENV=development (overrides ${source})` });
    });
  }

  it('the Cloudflare Workers runtime (navigator.userAgent) is production; NODE_ENV=test overrides it', () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(parseConversationConfig(ON).productionSource).toContain('the Cloudflare Workers runtime');
    expect(resolver.explain({ env: ON }).decision).toBeNull();
    expect(parseConversationConfig({ ...ON, NODE_ENV: 'test' }).production).toBe(false);
  });

  it('without a signal: VERCEL_ENV=preview and a browser user agent are not production', () => {
    vi.stubGlobal('navigator', { userAgent: 'Mozilla/5.0' });
    expect(parseConversationConfig({ ...ON, VERCEL_ENV: 'preview' })).toMatchObject({
      production: false,
      productionSource: 'no NODE_ENV and no deployment signal',
    });
  });
});

describe('auto never picks memory silently', () => {
  it('logs exactly one warning with the whole explanation when auto picks memory, and none for an explicit choice', async () => {
    const logger = recorder();
    const store = await resolver.resolve({ env: ON, logger });
    expect(store.kind).toBe('memory');
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]).toContain('conversation store: memory (auto: no persistent backend is configured');
    expect(logger.messages[0]).toContain('skipped        postgres        none of DATABASE_URL');
    expect(logger.messages[0]).toContain(
      'warning: auto chose memory (no NODE_ENV and no deployment signal): nothing is persisted',
    );
    const explicit = recorder();
    await resolver.resolve({ env: { ...ON, AGENT_CONVERSATION_STORE: 'memory' }, logger: explicit });
    expect(explicit.messages).toEqual([]);
    const explained = recorder();
    resolver.explain({ env: ON, logger: explained });
    expect(explained.messages).toEqual([]);
  });
});

describe('the explanation lists each backend variable it saw and ignored, and why', () => {
  it('persistence off: DATABASE_URL is set but not used, without its value', () => {
    const explanation = resolver.explain({ env: { DATABASE_URL: PG, CLICKHOUSE_PASSWORD: 'ch-secret' } });
    expect(explanation.decision).toBe('local');
    expect(explanation.ignored).toEqual([
      {
        variable: 'DATABASE_URL',
        kind: 'postgres',
        reason: 'AGENT_CONVERSATION_PERSISTENCE is not on, so history stays in the browser',
      },
      {
        variable: 'CLICKHOUSE_PASSWORD',
        kind: 'clickhouse',
        reason: 'AGENT_CONVERSATION_PERSISTENCE is not on, so history stays in the browser',
      },
    ]);
    expect(JSON.stringify(explanation)).not.toContain('pg-secret-pw');
    expect(JSON.stringify(explanation)).not.toContain('ch-secret');
  });

  it('auto and explicit choices: the other backends, a later postgres URL and a URL that is not postgres', () => {
    const auto = resolver.explain({
      env: { ...ON, DATABASE_URL: PG, CLICKHOUSE_HOST: 'http://ch:8123' },
      bindings: { CONVERSATIONS_D1: {} },
    });
    expect(auto.decision).toBe('d1');
    expect(auto.ignored).toEqual([
      { variable: 'DATABASE_URL', kind: 'postgres', reason: 'auto uses d1, which comes first' },
      {
        variable: 'CLICKHOUSE_HOST',
        kind: 'clickhouse',
        reason: 'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE is not set explicitly (auto only picks ClickHouse when it is)',
      },
    ]);
    const explicit = resolver.explain({
      env: {
        ...ON,
        AGENT_CONVERSATION_STORE: 'postgres',
        DATABASE_URL: 'mysql://x@y/z',
        POSTGRES_URL: PG,
        POSTGRES_PRISMA_URL: PG,
        AGENTSTATE_API_KEY: 'as_live_abc',
      },
      logger: recorder(),
    });
    expect(explicit.decision).toBe('postgres');
    expect(explicit.ignored).toEqual([
      { variable: 'AGENTSTATE_API_KEY', kind: 'agentstate', reason: 'AGENT_CONVERSATION_STORE=postgres' },
      { variable: 'DATABASE_URL', kind: 'postgres', reason: 'not a postgres:// or postgresql:// URL' },
      { variable: 'POSTGRES_PRISMA_URL', kind: 'postgres', reason: 'POSTGRES_URL comes first' },
    ]);
  });
});
