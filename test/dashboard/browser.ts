import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, where `.ci/run` installs it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless chromium that phones nowhere. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser suites cannot run here, or null when they can. */
export const noBrowserReason = (): string | null =>
  existsSync(CHROMIUM) ? null : `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** Launches the headless browser. */
export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

// Browser-side code is passed as text: this project compiles without the DOM library.

/** How many pixels of each chart's canvas are drawn in a series colour (not axes or grid). */
export const chartPixels = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(`(() => {
    const out = {};
    for (const fig of document.querySelectorAll('[id^="chart-"]')) {
      const canvas = fig.querySelector('canvas');
      if (!canvas) { out[fig.id] = -1; continue; }
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      // Coloured: channels far apart (axes, grid and text are grey or black).
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
      }
      out[fig.id] = n;
    }
    return out;
  })()`);

/** The totals cards as numbers, and the window they count. */
export const shownTotals = (
  page: Page,
): Promise<{ since: string; until: string; values: Record<string, number> }> =>
  page.evaluate(`(() => {
    const box = document.getElementById('totals');
    const values = {};
    for (const c of box.querySelectorAll('[data-total]')) values[c.dataset.total] = Number(c.dataset.value);
    return { since: box.dataset.since, until: box.dataset.until, values };
  })()`);

/** How many refreshes the page has finished. */
export const renderCount = (page: Page): Promise<number> =>
  page.evaluate('Number(document.body.dataset.rendered ?? 0)');

// Predicates are functions, not text: the page's CSP forbids eval, which text predicates need.
// They are serialised into the page, so each one names the page's `document` itself.

/** Waits until the page has finished its `n`-th refresh. */
export const renderedAtLeast = (page: Page, n: number) =>
  page.waitForFunction(
    (k) => Number((globalThis as any).document.body.dataset.rendered ?? 0) >= k,
    n,
  );

/** Waits until the totals show a different value of `name` than `than`. */
export const totalChanged = (page: Page, name: string, than: number | string) =>
  page.waitForFunction(
    ([k, v]) =>
      (globalThis as any).document.querySelector(`[data-total=${k}]`)?.dataset.value !== v,
    [name, String(than)] as const,
  );

/** Waits until the totals count a window starting elsewhere than `since`. */
export const windowChanged = (page: Page, since: string) =>
  page.waitForFunction(
    (s) => (globalThis as any).document.getElementById('totals').dataset.since !== s,
    since,
  );
