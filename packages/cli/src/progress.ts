import { SingleBar, type Options, type Params } from 'cli-progress';

/** A progress display: a bar with total, percentage, rate and ETA on a terminal; plain periodic lines otherwise. */
export interface Progress {
  /** Starts at `value` of `total` (a resumed copy starts where it stopped). */
  start(total: number, value?: number): void;
  update(value: number, detail: string): void;
  /** Draws the final state and releases the terminal line. */
  stop(): void;
  /** Prints a line of its own above the bar (or between the plain lines). */
  log(text: string): void;
}

/** What is counted: `users`, `conversations`, or `bytes` (shown as MB). */
export type ProgressUnit = 'users' | 'conversations' | 'bytes';

const amount = (unit: ProgressUnit, n: number): string =>
  unit === 'bytes' ? `${(n / 1e6).toFixed(1)}` : String(Math.round(n));
const unitLabel = (unit: ProgressUnit): string => (unit === 'bytes' ? 'MB' : unit);

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** The text of one progress line: `[bar] 40% | 40/100 users | 12.5 users/s | ETA 5s | detail` (no bar off a terminal). */
export function formatProgress(
  unit: ProgressUnit,
  tty: boolean,
  params: Pick<Params, 'value' | 'total' | 'startTime' | 'eta'>,
  first: number,
  detail: string,
  now = Date.now(),
): string {
  const ratio = params.total > 0 ? Math.min(1, params.value / params.total) : 1;
  const elapsed = Math.max(0.001, (now - params.startTime) / 1000);
  const rate = (params.value - first) / elapsed;
  const rateText = unit === 'bytes' ? `${(rate / 1e6).toFixed(1)} MB/s` : `${rate.toFixed(1)} ${unit}/s`;
  const width = 24;
  const filled = Math.round(ratio * width);
  const bar = tty ? `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ` : 'progress: ';
  const eta = params.value >= params.total ? 'done' : `ETA ${duration(params.eta)}`;
  return `${bar}${Math.floor(ratio * 100)}% | ${amount(unit, params.value)}/${amount(unit, params.total)} ${unitLabel(unit)} | ${rateText} | ${eta}${detail ? ` | ${detail}` : ''}`;
}

/** A progress display on `stream` (stderr by default); `interval` is how often a plain line is printed when not a terminal. */
export function createProgress(
  unit: ProgressUnit,
  options: { stream?: NodeJS.WriteStream; interval?: number } = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  let first = 0;
  const format = (_: Options, params: Params, payload: { detail?: string }): string =>
    formatProgress(unit, tty, params, first, payload.detail ?? '');
  const bar = new SingleBar({
    stream,
    format,
    noTTYOutput: true,
    notTTYSchedule: options.interval ?? 2000,
    hideCursor: tty,
    etaBuffer: 50,
    fps: 10,
  });
  let started = false;
  return {
    start(total, value = 0) {
      first = value;
      bar.start(total, value, { detail: '' });
      started = true;
    },
    update(value, detail) {
      if (started) bar.update(value, { detail });
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
    log(text) {
      stream.write(`${tty && started ? '\r\x1b[2K' : ''}${text}\n`);
    },
  };
}
