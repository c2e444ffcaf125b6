/** The `d1_databases` entry the commands manage. */
export interface D1Entry {
  binding: string;
  database_name: string;
  database_id: string;
  migrations_dir: string;
}

/** What a config already says about the binding. */
export interface FoundEntry {
  databaseId?: string;
  databaseName?: string;
  migrationsDir?: string;
}

/** Edits one wrangler config format as text, so the user's comments and formatting stay. */
export interface ConfigEditor {
  /** The top-level Worker `name`, if set. */
  workerName(text: string): string | undefined;
  /** The top-level d1_databases entry with this binding, if any. */
  find(text: string, binding: string): FoundEntry | undefined;
  /** Adds the entry, or sets its database_id and migrations_dir and adds the keys it lacks (an existing database_name is kept). */
  ensure(text: string, entry: D1Entry): string;
  /** Removes the entry with this binding (nothing when absent). */
  remove(text: string, binding: string): string;
}

/** True for a UUID such as 01234567-89ab-cdef-0123-456789abcdef (what D1 database ids are). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
