import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../e2e/harness';
import {
  chartPixels,
  launch,
  noBrowserReason,
  renderCount,
  renderedAtLeast,
  shownTotals,
  totalChanged,
  windowChanged,
} from './browser';
import { FAILING_PROJECT, startSeededServer } from './seed';

const TOKEN = 'dashboard-e2e-token-0123456789';
const reason = noBrowserReason();
if (reason && process.env.REQUIRE_BROWSER === '1') {
  it('has a browser to run the dashboard suite in (REQUIRE_BROWSER=1)', () => {
    throw new Error(reason);
  });
} else if (reason) console.log(`dashboard browser suite skipped: ${reason}`);
const suite = reason ? describe.skip : describe;

suite('dashboard in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const foreign: string[] = [];

  const usage = async (q: Record<string, string>) =>
    (await (
      await server.fetch(`/api/inference/usage?${new URLSearchParams(q)}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as Record<string, number>;

  const expectTotalsMatchUsage = async (filters: Record<string, string> = {}) => {
    const shown = await shownTotals(page);
    const u = await usage({ since: shown.since, until: shown.until, ...filters });
    for (const k of [
      'totalCalls',
      'costUsd',
      'inputTokens',
      'outputTokens',
      'failedCalls',
      'savedByCacheUsd',
    ]) {
      expect([k, shown.values[k]]).toEqual([k, u[k]]);
    }
    return shown;
  };

  beforeAll(async () => {
    server = await startSeededServer(TOKEN);
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const origin = new URL(server.url).origin;
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      if (new URL(url).origin !== origin) {
        foreign.push(url);
        return route.abort();
      }
      return route.continue();
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.shutdown();
  });

  it('asks for the token once, then renders every chart with data', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#token-dialog[open]');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await renderedAtLeast(page, 1);
    const pixels = await chartPixels(page);
    expect(Object.keys(pixels).sort()).toEqual([
      'chart-cache',
      'chart-cost',
      'chart-latency',
      'chart-status',
      'chart-tokens',
    ]);
    for (const [id, n] of Object.entries(pixels)) expect([id, n > 50]).toEqual([id, true]);
    expect(await page.locator('#status').textContent()).toContain('enabled');
    expect(await page.locator('#calls tbody tr').count()).toBeGreaterThan(5);
  });

  it('shows totals equal to /usage for the same window, and a filter changes them', async () => {
    const day = await expectTotalsMatchUsage();
    expect(day.values.totalCalls!).toBeGreaterThan(0);
    await page.click('[data-range="30d"]');
    await windowChanged(page, day.since);
    const month = await expectTotalsMatchUsage();
    expect(month.values.totalCalls!).toBeGreaterThan(day.values.totalCalls!);
    await page.selectOption('#level', 'project');
    await totalChanged(page, 'totalCalls', month.values.totalCalls!);
    const project = await expectTotalsMatchUsage({ level: 'project' });
    expect(project.values.totalCalls!).toBeLessThan(month.values.totalCalls!);
    expect(project.values.totalCalls!).toBeGreaterThan(0);
    await page.selectOption('#level', '');
    await totalChanged(page, 'totalCalls', project.values.totalCalls!);
    expect((await shownTotals(page)).values.totalCalls).toBe(month.values.totalCalls);
  });

  it('with nothing cacheable or nothing at all: hit ratio a dash; the cost axis runs $0–$0.01 with room for its $', async () => {
    const hitRatio = page.locator('[data-total=cacheHitRatio] strong');
    const before = (await shownTotals(page)).values.totalCalls!;
    // Only a call that got no answer (it failed, or the seed's rate limits refused it first: the
    // limiter's window runs on real time while the seed's clock jumps): nothing was cacheable,
    // so there is no ratio (not 0 %).
    await page.fill('#project', FAILING_PROJECT);
    await page.dispatchEvent('#project', 'change');
    await totalChanged(page, 'totalCalls', before);
    const shown = (await shownTotals(page)).values;
    expect(shown.totalCalls).toBe(1);
    const listed = await server.fetch(`/api/inference/calls?projectId=${FAILING_PROJECT}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const [only] = ((await listed.json()) as { calls: Array<{ status: string }> }).calls;
    expect(['failed', 'rate_limited']).toContain(only?.status);
    expect(shown.failedCalls).toBe(only?.status === 'failed' ? 1 : 0);
    expect(await hitRatio.textContent()).toBe('–');
    await page.fill('#project', 'no-such-project');
    await page.dispatchEvent('#project', 'change');
    await totalChanged(page, 'totalCalls', 1);
    expect((await shownTotals(page)).values.totalCalls).toBe(0);
    expect(await hitRatio.textContent()).toBe('–');
    const cost = page.locator('#chart-cost');
    const ticks = (await cost.getAttribute('data-y-ticks'))!.split('|');
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.every((t) => t.startsWith('$'))).toBe(true);
    expect(Math.max(...ticks.map((t) => Number(t.slice(1))))).toBeLessThanOrEqual(0.01);
    // The axis is as wide as its widest label plus padding: the $ is drawn, not clipped.
    const labelWidth = Number(await cost.getAttribute('data-y-label-width'));
    const axisWidth = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const over = doc.querySelector('#chart-cost .u-over').getBoundingClientRect();
      const wrap = doc.querySelector('#chart-cost .u-wrap').getBoundingClientRect();
      return over.left - wrap.left;
    });
    expect(axisWidth).toBeGreaterThan(labelWidth);
    await page.fill('#project', '');
    await page.dispatchEvent('#project', 'change');
    await totalChanged(page, 'totalCalls', 0);
  });

  it('filters by consumer key and shows spend per key', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const made = (await (
      await server.fetch('/api/keys', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'dashboard viewer', scopes: ['infer', 'read'] }),
      })
    ).json()) as { id: string; key: string };
    const keyed = { authorization: `Bearer ${made.key}` };
    await server.infer({ level: 'turn', purpose: 'keyed', input: 'keyed call one' }, keyed);
    await server.infer({ level: 'task', purpose: 'keyed', input: 'keyed call two' }, keyed);
    const before = (await shownTotals(page)).values.totalCalls!;
    await page.fill('#key', made.id);
    await page.dispatchEvent('#key', 'change');
    await totalChanged(page, 'totalCalls', before);
    const shown = await expectTotalsMatchUsage({ keyId: made.id });
    expect(shown.values.totalCalls).toBe(2);
    const row = page.locator(`#by-key tr[data-key="${made.id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    await page.fill('#key', '');
    await page.dispatchEvent('#key', 'change');
    await totalChanged(page, 'totalCalls', 2);
    // Unfiltered, the table has the key's row and the calls made without a key.
    await page.locator('#by-key tr[data-key=""]').waitFor();
    expect(await page.locator(`#by-key tr[data-key="${made.id}"]`).count()).toBe(1);
  });

  it('opens a call record from the latest calls', async () => {
    const id = await page.locator('#calls tbody tr').first().getAttribute('data-id');
    await page.locator('#calls tbody tr a').first().click();
    await page.waitForSelector('#call-detail:not([hidden])');
    expect(await page.locator('#call-detail h3').textContent()).toBe(`Call ${id}`);
    expect(await page.locator('#call-detail').textContent()).toContain('inputHash');
  });

  it('keeps the token for the tab: a reload does not ask again', async () => {
    const before = await renderCount(page);
    expect(before).toBeGreaterThan(0);
    await page.reload();
    await renderedAtLeast(page, 1);
    expect(await page.locator('#token-dialog[open]').count()).toBe(0);
  });

  it('fits a phone-width screen (a new tab asks for the token again)', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.url}/dashboard`);
    await phone.waitForSelector('#token-dialog[open]');
    await phone.fill('#token-input', TOKEN);
    await phone.click('#token-form button[type=submit]');
    await renderedAtLeast(phone, 1);
    const width = await phone.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    for (const n of Object.values(await chartPixels(phone))) expect(n).toBeGreaterThan(50);
    await phone.close();
  });

  it('sent no request to another host', () => {
    expect(requested.length).toBeGreaterThan(10);
    expect(foreign).toEqual([]);
  });
});
