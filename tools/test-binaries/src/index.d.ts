/** A program the tests run that npm cannot bring: found through an env variable or its usual paths, installed from Debian. */
export interface TestBinary {
  /** What the tests call it. */
  name: string;
  /** Points at another copy; when set, it must exist (no silent fallback to another path). */
  envVar: string;
  /** Where Debian (and for Chromium, macOS and other distributions) install it. */
  paths: string[];
  /** Places computed at lookup time, tried after `paths` (Chromium: playwright's browser cache). */
  morePaths?: () => string[];
  /** The Debian 12 package that provides it. */
  debianPackage: string;
  /** What to install on each platform, when it is more than the Debian package. */
  install?: string;
}

/** Chromium for the browser tests: CHROMIUM_PATH, else Debian's /usr/bin/chromium or another usual path, else playwright's cache. */
export declare const CHROMIUM: TestBinary;
/** PgBouncer for the transaction-pooling tests: PGBOUNCER_PATH, else /usr/sbin/pgbouncer. */
export declare const PGBOUNCER: TestBinary;
/** ClickHouse 18.16, too old for the store: the tests prove it is refused with a clear error. Debian 12 still ships it. */
export declare const OLD_CLICKHOUSE: TestBinary;
/** Every binary above. */
export declare const TEST_BINARIES: TestBinary[];
/** Every place looked in after the env variable, in order: the usual paths, then the computed ones. */
export declare function searchPaths(binary: TestBinary): string[];
/** The binary's path, or null when it is not there. */
export declare function findBinary(binary: TestBinary): string | null;
/** Why the binary cannot be found and how to get it, in one line. */
export declare function missingMessage(binary: TestBinary): string;
/** The binary's path; throws the one-line reason when it is missing. */
export declare function requireBinary(binary: TestBinary): string;
