/** Fills localStorage with filler keys until not even a one-character value fits; returns the keys to remove later. */
export function fillToEdge(): string[] {
  const keys: string[] = [];
  let size = 1 << 20;
  while (size >= 1) {
    const key = `filler:${keys.length}`;
    try {
      localStorage.setItem(key, 'f'.repeat(size));
      keys.push(key);
    } catch (error) {
      if ((error as Error).name !== 'QuotaExceededError') throw error;
      size = Math.floor(size / 2);
    }
  }
  return keys;
}

/** Removes filler keys. */
export function unfill(keys: readonly string[]): void {
  for (const key of keys) localStorage.removeItem(key);
}
