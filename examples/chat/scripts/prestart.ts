// `npm start` at the repository root runs this first: it builds every package and the page bundle once
// (nx, cached) and prints one summary line instead of replaying the build logs; on a failure it prints them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const started = Date.now();
const child = spawn('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], {
  cwd: repo,
  env: { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...process.env },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
process.stdout.write('Building the packages and the chat page (nx, cached)… ');
const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
const seconds = ((Date.now() - started) / 1000).toFixed(1);
// nx colours its output.
const plain = log.replace(/\u001b\[[0-9;]*m/g, '');
if (code !== 0) {
  console.log('failed.\n');
  console.log(plain);
  process.exit(code ?? 1);
}
const tasks = /Successfully ran target build for (\d+) projects?/.exec(plain)?.[1] ?? '?';
const cached = /from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(plain)?.[1] ?? '0';
console.log(`done in ${seconds}s: ${tasks} projects, ${cached} from cache.`);
