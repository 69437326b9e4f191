import { InMemoryBudgetLedger } from '../../src/adapters/in-memory';
import { budgetLedgerContract } from './budget-ledger.contract';

budgetLedgerContract(
  'InMemoryBudgetLedger',
  async (budgets, clock, recorded) => ({
    ledger: new InMemoryBudgetLedger(clock, budgets, recorded),
    sync: () => Promise.resolve(),
  }),
  300,
);
