import { nanosFromUsd, periodWindow, type Budget } from '../../domain';
import type { RecordedSpend, UsageReadModel } from '../../ports';
import { currentUsage } from '../get-usage/get-usage';

/**
 * What each budget's current period has already cost, from the usage aggregates: read at start
 * so a restart (or a new instance) mid-period does not begin again from 0.
 */
export const recordedSpend = async (
  usage: UsageReadModel,
  budgets: readonly Budget[],
  now: number,
): Promise<RecordedSpend> => {
  const entries = await Promise.all(
    budgets.map(async (b) => {
      const { start } = periodWindow(b.period, now);
      const report = await currentUsage(usage, (u) =>
        u.usage({ since: start, level: b.level, projectId: b.projectId, keyId: b.keyId }),
      );
      return [b.name, { periodStart: start, nanos: nanosFromUsd(report.costUsd) }] as const;
    }),
  );
  return new Map(entries);
};
