import type { Usage } from '@agent-conversations/core';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** "14:05" today, "Mar 3, 14:05" on another day. */
export function formatTime(ms: number, now = Date.now()): string {
  return new Date(ms).toDateString() === new Date(now).toDateString()
    ? time.format(ms)
    : `${day.format(ms)}, ${time.format(ms)}`;
}

/** The full date and time, for a tooltip. */
export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/** "1,234 tokens · $0.0021" (input + output), or null when nothing was recorded. */
export function formatUsage(usage: Usage | undefined): string | null {
  if (!usage) return null;
  const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  if (tokens === 0 && usage.costUsd === undefined) return null;
  const parts = [`${tokens.toLocaleString('en-US')} tokens`];
  if (usage.costUsd !== undefined)
    parts.push(`$${usage.costUsd < 0.01 ? usage.costUsd.toFixed(6) : usage.costUsd.toFixed(2)}`);
  return parts.join(' · ');
}
