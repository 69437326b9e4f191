import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference, configTable, withTable } from './reference';

describe("the README's configuration table", () => {
  it('is the one generated from the schema (npm run docs:config rewrites it)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    expect(readme).toBe(withTable(readme, configTable()));
  });

  it('lists every key, budgets and the statement timeout included, with its default', () => {
    const byKey = new Map(configReference().map((r) => [r.key, r]));
    expect(byKey.get('database.statement_timeout_ms')?.default).toBe('`2000`');
    expect(byKey.get('budgets[].limit_usd')?.default).toBe('required');
    expect(byKey.get('server.port')?.env).toBe('PORT');
    expect(byKey.get('openrouter.pricing.<model>.output')?.default).toContain(
      'anthropic/claude-sonnet-4.5: 15',
    );
  });
});
