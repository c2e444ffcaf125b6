/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): { update(text: string, done?: number, total?: number): void; end(): void } {
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  return {
    update(text, done, total) {
      if (!tty) {
        stream.write(`${text}\n`);
        return;
      }
      const width = 24;
      const bar = total ? `[${'#'.repeat(Math.round(((done ?? 0) / total) * width)).padEnd(width, ' ')}] ${done}/${total} ` : '';
      stream.write(`\r\x1b[2K${bar}${text}`);
      drawn = true;
    },
    end() {
      if (tty && drawn) stream.write('\n');
    },
  };
}
