/**
 * ms to wait before restarting a child after its `failures`-th consecutive failure (1-based):
 * `minMs`, doubling with each failure, never above `maxMs`. No jitter: restarts at the same
 * moments make outage and chaos runs comparable from one run to the next.
 */
export function restartDelay(failures: number, minMs: number, maxMs: number): number {
  // The exponent is capped so a long crash loop cannot overflow to Infinity before the min().
  const doublings = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(maxMs, minMs * 2 ** doublings);
}
