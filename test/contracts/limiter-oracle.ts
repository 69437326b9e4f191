import { WINDOW_MS, type RateLimits } from '../../src/domain';

/** An admitted call as the oracle sees it: when it may start and the tokens it holds. */
export interface Slot {
  readonly at: number;
  readonly tokens: number;
}

/** Would a call of `tokens` starting at `t` keep the 60-second window ending at `t` in limits? */
export const fitsAt = (
  slots: readonly Slot[],
  t: number,
  tokens: number,
  l: RateLimits,
): boolean => {
  const inWindow = slots.filter((s) => s.at > t - WINDOW_MS && s.at <= t);
  const used = inWindow.reduce((n, s) => n + s.tokens, 0);
  return inWindow.length + 1 <= l.callsPerMinute && used + tokens <= l.tokensPerMinute;
};

/** Every 60-second window over `slots` that holds too many calls or tokens (none is right). */
export const overfullWindows = (slots: readonly Slot[], l: RateLimits): string[] => {
  const found: string[] = [];
  for (const end of new Set(slots.map((s) => s.at))) {
    const inWindow = slots.filter((s) => s.at > end - WINDOW_MS && s.at <= end);
    const used = inWindow.reduce((n, s) => n + s.tokens, 0);
    if (inWindow.length > l.callsPerMinute || used > l.tokensPerMinute) {
      found.push(`window ending ${end}: ${inWindow.length} calls, ${used} tokens`);
    }
  }
  return found;
};
