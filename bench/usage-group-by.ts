import type { Knex } from 'knex';
import {
  nanosFromUsd,
  usageReport,
  usageWindow,
  type UsageQuery,
  type UsageReport,
} from '../src/domain';

/** The same report computed from call records; they do not carry what a cache hit saved. */
export const groupBy = async (knex: Knex, q: UsageQuery): Promise<UsageReport> => {
  const w = usageWindow(q);
  const where: string[] = ['true'];
  const args: Array<string | Date> = [];
  if (w.since !== undefined) where.push('created_at >= ?') && args.push(new Date(w.since));
  if (w.until !== undefined) where.push('created_at < ?') && args.push(new Date(w.until));
  if (q.level) where.push('level = ?') && args.push(q.level);
  if (q.projectId) where.push('project_id = ?') && args.push(q.projectId);
  const { rows } = await knex.raw(
    `SELECT level, model, count(*)::int AS calls,
       count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
       count(*) FILTER (WHERE status = 'failed')::int AS failed,
       count(*) FILTER (WHERE status = 'cached')::int AS cached,
       count(*) FILTER (WHERE status = 'rate_limited')::int AS rate_limited,
       coalesce(sum(input_tokens) FILTER (WHERE status = 'succeeded'), 0)::text AS input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE status = 'succeeded'), 0)::text AS output_tokens,
       coalesce(sum(cost_usd), 0)::text AS cost, coalesce(sum(reported_cost_usd), 0)::text AS reported
     FROM inference_calls WHERE ${where.join(' AND ')} GROUP BY level, model`,
    args,
  );
  return usageReport(
    rows.map((r: Record<string, string | number>) => ({
      level: r.level,
      model: r.model,
      counters: {
        calls: r.calls,
        succeededCalls: r.succeeded,
        failedCalls: r.failed,
        cachedCalls: r.cached,
        rateLimitedCalls: r.rate_limited,
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        costNanos: nanosFromUsd(Number(r.cost)),
        reportedCostNanos: nanosFromUsd(Number(r.reported)),
        savedNanos: 0,
      },
    })),
    q,
  );
};
