import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  inferenceError,
  promptChars,
  tokensOfChars,
  usageDeltaOf,
  usdFromNanos,
  worstCaseCostNanos,
  type InferenceError,
  type InferenceEvent,
  type NanoUsd,
} from '../../domain';
import type { BudgetLedger, BudgetReservation } from '../../ports';
import type { PriceBook } from '../pricing/price-book';
import type { Call } from './call';

/**
 * Holds each upstream call's worst-case cost against the budgets until its outcome is recorded,
 * then settles it to the cost that outcome records (the same figure usage counts), whatever the
 * outcome. A call that never records one (the process died) keeps its reservation: it counts at
 * its estimate, as an interrupted call does.
 */
export class BudgetGate {
  private readonly held = new Map<string, BudgetReservation>();

  constructor(
    private readonly ledger: BudgetLedger,
    private readonly prices: PriceBook,
    /** Repairs a structured-output call may ask for after its first answer. */
    private readonly repairAttempts = 0,
    /** False when no budget is configured: only calls with a key that has budgets reserve. */
    private readonly globalBudgets = true,
  ) {}

  /**
   * The most `call` can cost: its input estimate and output ceiling at the prices of the
   * dearest model it may be answered by (its own or a fallback), once per upstream attempt a
   * structured-output call may make.
   */
  worstCase(call: Call): NanoUsd {
    const { req, facts, upstream } = call;
    const input = tokensOfChars(promptChars(req));
    const models = [facts.model, ...(upstream.fallbacks ?? [])];
    // An unpriced model costs 0 in its record, so it reserves 0 (flagged in status).
    const each = Math.max(
      ...models.map((m) =>
        worstCaseCostNanos(
          this.prices.worstPriceOf(m),
          input,
          req.maxOutputTokens,
          this.prices.maxCompletionTokensOf(m),
        ),
      ),
    );
    return call.check ? each * (1 + this.repairAttempts) : each;
  }

  /** Reserves before the call goes upstream; `budget_exceeded` when any budget lacks room. */
  reserve(call: Call): ResultAsync<void, InferenceError> {
    if (!this.globalBudgets && !call.consumer?.budgets.length) return okAsync(undefined);
    const nanos = this.worstCase(call);
    const { level, projectId, callId } = call.facts;
    const keyId = call.facts.keyId ?? null;
    return ResultAsync.fromSafePromise(
      this.ledger.reserve({ level, projectId, keyId, nanos }),
    ).andThen((r) => {
      if (r.isOk()) {
        this.held.set(callId, r.value);
        return okAsync(undefined);
      }
      const { budget, retryAfterMs, resetsAt } = r.error;
      const own = keyId !== null && budget.startsWith(`key:${keyId}:`);
      const whose = own ? `key ${keyId}'s own budget` : 'budget';
      return errAsync(
        inferenceError(
          'budget_exceeded',
          `${whose} ${budget}: the call's worst-case cost of $${usdFromNanos(nanos)} does not ` +
            `fit what is left of it; it resets at ${new Date(resetsAt).toISOString()}`,
          { budget, retryAfterMs },
        ),
      );
    });
  }

  /**
   * Settles the reservation of the event's call, if it holds one, to what the call cost: the
   * cost OpenRouter reported when it did, else the one computed at our prices; a reported cost
   * above ours also raises the model's later worst cases.
   */
  settle(e: InferenceEvent): void {
    const computed = usageDeltaOf(e).delta.costNanos;
    const reported = 'reportedCostNanos' in e.data ? e.data.reportedCostNanos : undefined;
    if (typeof reported === 'number') this.prices.charged(e.data.model, computed, reported);
    const r = this.held.get(e.data.callId);
    if (!r) return;
    this.held.delete(e.data.callId);
    void r.settle(typeof reported === 'number' ? reported : computed);
  }
}
