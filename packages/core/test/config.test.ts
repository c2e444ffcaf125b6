import { describe, expect, it } from 'vitest';
import { ConversationStoreError, parseConversationConfig, type Logger } from '../src/index.js';

const ON = { AGENT_CONVERSATION_PERSISTENCE: 'true' };

function configError(env: Record<string, string>): ConversationStoreError {
  try {
    parseConversationConfig(env, { logger: { warn: () => undefined } });
  } catch (error) {
    expect(error).toBeInstanceOf(ConversationStoreError);
    expect((error as ConversationStoreError).code).toBe('CONFIG');
    return error as ConversationStoreError;
  }
  throw new Error('expected a CONFIG error');
}

const quiet: Logger = { warn: () => undefined };

describe('persistence and store', () => {
  it('defaults to local when persistence is off and auto when it is on', () => {
    expect(parseConversationConfig({}, { logger: quiet })).toMatchObject({
      persistence: false,
      store: 'local',
      storeExplicit: false,
    });
    expect(parseConversationConfig(ON, { logger: quiet })).toMatchObject({ persistence: true, store: 'auto' });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['on', true],
    [' True ', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['OFF', false],
    ['', false],
  ])('reads AGENT_CONVERSATION_PERSISTENCE=%j as %s', (value, expected) => {
    expect(parseConversationConfig({ AGENT_CONVERSATION_PERSISTENCE: value }, { logger: quiet }).persistence).toBe(
      expected,
    );
  });

  it('rejects a boolean it cannot read, naming the variable and the accepted values', () => {
    expect(configError({ AGENT_CONVERSATION_PERSISTENCE: 'enabled' }).message).toContain(
      'AGENT_CONVERSATION_PERSISTENCE must be one of 1/true/yes/on/0/false/no/off (got "enabled")',
    );
  });

  it.each(['auto', 'agentstate', 'd1', 'durable-object', 'postgres', 'clickhouse', 'memory', 'local'])(
    'accepts AGENT_CONVERSATION_STORE=%s',
    (store) => {
      const env = {
        ...ON,
        AGENT_CONVERSATION_STORE: store,
        AGENTSTATE_API_KEY: 'as_live_abc',
        DATABASE_URL: 'postgres://h/db',
        CLICKHOUSE_HOST: 'ch',
      };
      expect(parseConversationConfig(env, { logger: quiet })).toMatchObject({ store, storeExplicit: true });
    },
  );

  it('rejects an unknown store, listing the valid ones', () => {
    expect(configError({ ...ON, AGENT_CONVERSATION_STORE: 'mongo' }).message).toContain(
      'AGENT_CONVERSATION_STORE must be auto, a built-in kind or a registered one (got "mongo"). Registered here: memory. The built-in kinds come from: agentstate from @agent-conversations/store-agentstate; d1, durable-object from @agent-conversations/store-cloudflare; postgres from @agent-conversations/store-postgres; clickhouse from @agent-conversations/store-clickhouse; memory from @agent-conversations/core; local from @agent-conversations/store-browser.',
    );
  });

  it('refuses a server store while persistence is off', () => {
    expect(configError({ AGENT_CONVERSATION_STORE: 'postgres', DATABASE_URL: 'postgres://h/db' }).message).toContain(
      'AGENT_CONVERSATION_STORE=postgres requires AGENT_CONVERSATION_PERSISTENCE=true',
    );
    expect(parseConversationConfig({ AGENT_CONVERSATION_STORE: 'local' }, { logger: quiet }).store).toBe('local');
  });

  it('refuses memory in production, from NODE_ENV or the explicit option', () => {
    expect(configError({ ...ON, AGENT_CONVERSATION_STORE: 'memory', NODE_ENV: 'production' }).message).toContain(
      'memory is not persistent storage and is refused in production',
    );
    expect(() =>
      parseConversationConfig({ ...ON, AGENT_CONVERSATION_STORE: 'memory' }, { production: true, logger: quiet }),
    ).toThrow(/refused in production/);
    expect(
      parseConversationConfig(
        { ...ON, AGENT_CONVERSATION_STORE: 'memory', NODE_ENV: 'production' },
        { production: false, logger: quiet },
      ).production,
    ).toBe(false);
  });

  it('reports every problem together in one error', () => {
    const error = configError({
      AGENT_CONVERSATION_PERSISTENCE: 'maybe',
      AGENT_CONVERSATION_STORE: 'x',
      AGENTSTATE_API_KEY: 'sk_123',
      CONVERSATIONS_D1_DATABASE_ID: 'nope',
    });
    expect(error.message.split('\n- ')).toHaveLength(5);
  });
});

describe('deprecated NEXT_PUBLIC_FEATURE_CONVERSATION_DB', () => {
  it('means the same as AGENT_CONVERSATION_PERSISTENCE and warns once per logger', () => {
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    expect(parseConversationConfig({ NEXT_PUBLIC_FEATURE_CONVERSATION_DB: 'true' }, { logger }).persistence).toBe(true);
    parseConversationConfig({ NEXT_PUBLIC_FEATURE_CONVERSATION_DB: 'true' }, { logger });
    expect(warnings).toEqual([
      '[agent-conversations] NEXT_PUBLIC_FEATURE_CONVERSATION_DB is deprecated; set AGENT_CONVERSATION_PERSISTENCE instead',
    ]);
  });

  it('loses to the new name when both are set', () => {
    const config = parseConversationConfig(
      { NEXT_PUBLIC_FEATURE_CONVERSATION_DB: 'true', AGENT_CONVERSATION_PERSISTENCE: 'false' },
      { logger: quiet },
    );
    expect(config.persistence).toBe(false);
    expect(config.warnings[0]).toContain('ignored because AGENT_CONVERSATION_PERSISTENCE is set');
  });
});

describe('agentstate', () => {
  it('takes an as_live_ key and defaults the base URL', () => {
    const config = parseConversationConfig(
      { ...ON, AGENTSTATE_API_KEY: 'as_live_0123456789abcdefghijABCDEFGHIJ0123456789' },
      { logger: quiet },
    );
    expect(config.agentstate).toEqual({
      apiKey: 'as_live_0123456789abcdefghijABCDEFGHIJ0123456789',
      baseUrl: 'https://agentstate.app/api',
    });
  });

  it('requires the as_live_ prefix and never echoes the key', () => {
    const error = configError({ ...ON, AGENTSTATE_API_KEY: 'sk_live_supersecretvalue' });
    expect(error.message).toContain('AGENTSTATE_API_KEY must start with "as_live_"');
    expect(error.message).not.toContain('supersecretvalue');
    expect(configError({ AGENTSTATE_API_KEY: 'as_live_has spaces' }).message).toContain(
      '"as_live_" followed by letters and digits only',
    );
  });

  it('takes AGENTSTATE_API_BASE without its trailing slash and refuses plain http off localhost', () => {
    const env = { ...ON, AGENTSTATE_API_KEY: 'as_live_abc' };
    expect(
      parseConversationConfig({ ...env, AGENTSTATE_API_BASE: 'https://eu.agentstate.app/api/' }, { logger: quiet })
        .agentstate.baseUrl,
    ).toBe('https://eu.agentstate.app/api');
    expect(
      parseConversationConfig({ ...env, AGENTSTATE_API_BASE: 'http://127.0.0.1:8787/api' }, { logger: quiet })
        .agentstate.baseUrl,
    ).toBe('http://127.0.0.1:8787/api');
    expect(configError({ ...env, AGENTSTATE_API_BASE: 'http://agentstate.example/api' }).message).toContain(
      'AGENTSTATE_API_BASE must be an https:// URL',
    );
    expect(configError({ ...env, AGENTSTATE_API_BASE: 'not a url' }).message).toContain(
      'AGENTSTATE_API_BASE must be a URL',
    );
  });

  it('requires the key when the store is agentstate', () => {
    expect(configError({ ...ON, AGENT_CONVERSATION_STORE: 'agentstate' }).message).toContain(
      'AGENT_CONVERSATION_STORE=agentstate needs AGENTSTATE_API_KEY',
    );
  });
});

describe('d1 and durable objects', () => {
  const id = '0f8e6b7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
  it('reads the database id or its alias and validates it as a UUID', () => {
    expect(parseConversationConfig({ CONVERSATIONS_D1_DATABASE_ID: id }, { logger: quiet }).d1).toEqual({
      bindingName: 'CONVERSATIONS_D1',
      databaseId: id,
      databaseIdSource: 'CONVERSATIONS_D1_DATABASE_ID',
    });
    expect(
      parseConversationConfig({ AGENT_CONVERSATIONS_D1_DATABASE_ID: id }, { logger: quiet }).d1.databaseIdSource,
    ).toBe('AGENT_CONVERSATIONS_D1_DATABASE_ID');
    expect(configError({ CONVERSATIONS_D1_DATABASE_ID: 'my-db' }).message).toContain(
      'CONVERSATIONS_D1_DATABASE_ID must be a UUID',
    );
    expect(configError({ AGENT_CONVERSATIONS_D1_DATABASE_ID: '123' }).message).toContain(
      'AGENT_CONVERSATIONS_D1_DATABASE_ID must be a UUID',
    );
    expect(
      configError({ CONVERSATIONS_D1_DATABASE_ID: id, AGENT_CONVERSATIONS_D1_DATABASE_ID: id.replace('0f', '1f') })
        .message,
    ).toContain('both set to different ids');
  });

  it('defaults the DO binding to AGENT_CONVERSATIONS_DO and validates an override', () => {
    expect(parseConversationConfig({}, { logger: quiet }).durableObject.bindingName).toBe('AGENT_CONVERSATIONS_DO');
    expect(
      parseConversationConfig({ AGENT_CONVERSATIONS_DO_BINDING: 'CHATS' }, { logger: quiet }).durableObject.bindingName,
    ).toBe('CHATS');
    expect(configError({ AGENT_CONVERSATIONS_DO_BINDING: 'my-binding' }).message).toContain(
      'AGENT_CONVERSATIONS_DO_BINDING must be a binding name',
    );
  });
});

describe('postgres', () => {
  it('takes DATABASE_URL, else POSTGRES_URL, else POSTGRES_PRISMA_URL', () => {
    const all = {
      DATABASE_URL: 'postgres://a/1',
      POSTGRES_URL: 'postgresql://b/2',
      POSTGRES_PRISMA_URL: 'postgres://c/3?pgbouncer=true',
    };
    expect(parseConversationConfig(all, { logger: quiet }).postgres).toMatchObject({
      url: 'postgres://a/1',
      urlSource: 'DATABASE_URL',
    });
    expect(parseConversationConfig({ ...all, DATABASE_URL: '' }, { logger: quiet }).postgres).toMatchObject({
      url: 'postgresql://b/2',
      urlSource: 'POSTGRES_URL',
    });
    expect(
      parseConversationConfig({ POSTGRES_PRISMA_URL: all.POSTGRES_PRISMA_URL }, { logger: quiet }).postgres,
    ).toMatchObject({ urlSource: 'POSTGRES_PRISMA_URL' });
  });

  it('skips a DATABASE_URL of another database, with a warning', () => {
    const config = parseConversationConfig(
      { DATABASE_URL: 'mysql://u:p@h/db', POSTGRES_URL: 'postgres://h/db' },
      { logger: quiet },
    );
    expect(config.postgres).toMatchObject({
      url: 'postgres://h/db',
      urlSource: 'POSTGRES_URL',
      ignored: ['DATABASE_URL'],
    });
    expect(config.warnings.join()).toContain('DATABASE_URL is set but is not a postgres://');
  });

  it('requires a URL when the store is postgres, and does not echo passwords of a broken one', () => {
    expect(configError({ ...ON, AGENT_CONVERSATION_STORE: 'postgres' }).message).toContain(
      'needs DATABASE_URL, POSTGRES_URL or POSTGRES_PRISMA_URL',
    );
    const error = configError({ ...ON, DATABASE_URL: 'postgres://user:hunter2@[bad' });
    expect(error.message).toContain('DATABASE_URL is not a valid URL');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('clickhouse', () => {
  it('uses the dashboard variables, every host and the default table', () => {
    const config = parseConversationConfig(
      {
        CLICKHOUSE_HOST: 'http://ch1:8123, ch2',
        CLICKHOUSE_USER: 'dash',
        CLICKHOUSE_PASSWORD: 'pw',
        CLICKHOUSE_DATABASE: 'analytics',
      },
      { logger: quiet },
    );
    expect(config.clickhouse).toEqual({
      hosts: ['http://ch1:8123', 'http://ch2:8123'],
      url: 'http://ch1:8123',
      username: 'dash',
      password: 'pw',
      database: 'analytics',
      table: 'analytics.agent_conversations',
      tableExplicit: false,
      autoCreate: false,
      cluster: undefined,
    });
    expect(config.warnings.join()).not.toContain('CLICKHOUSE_HOST');
  });

  it('reads CLICKHOUSE_CLUSTER and refuses a name that is not a plain identifier', () => {
    expect(
      parseConversationConfig({ CLICKHOUSE_HOST: 'ch1', CLICKHOUSE_CLUSTER: 'dashboard' }, { logger: quiet }).clickhouse
        .cluster,
    ).toBe('dashboard');
    expect(() =>
      parseConversationConfig({ CLICKHOUSE_HOST: 'ch1', CLICKHOUSE_CLUSTER: 'two words' }, { logger: quiet }),
    ).toThrow(/CLICKHOUSE_CLUSTER must be a plain cluster name/);
  });

  it('marks an explicit table and reads auto-create', () => {
    const config = parseConversationConfig(
      {
        CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: 'system.agent_conversations',
        CLICKHOUSE_AGENT_CONVERSATIONS_AUTO_CREATE: 'true',
      },
      { logger: quiet },
    );
    expect(config.clickhouse).toMatchObject({
      table: 'system.agent_conversations',
      tableExplicit: true,
      autoCreate: true,
      database: 'default',
    });
  });

  it('rejects table names that are not plain db.table identifiers', () => {
    for (const table of ['db.t; DROP TABLE x', 'a.b.c', '`t`', 'my-table']) {
      expect(configError({ CLICKHOUSE_AGENT_CONVERSATIONS_TABLE: table }).message).toContain(
        'CLICKHOUSE_AGENT_CONVERSATIONS_TABLE must be a plain db.table name',
      );
    }
  });

  it('requires CLICKHOUSE_HOST when the store is clickhouse and redacts its password', () => {
    expect(configError({ ...ON, AGENT_CONVERSATION_STORE: 'clickhouse' }).message).toContain('needs CLICKHOUSE_HOST');
    const error = configError({ ...ON, AGENT_CONVERSATION_STORE: 'nope', CLICKHOUSE_PASSWORD: 'clickhouse-secret' });
    expect(JSON.stringify(error)).not.toContain('clickhouse-secret');
  });
});
