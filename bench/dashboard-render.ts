import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServer } from '../src/composition/server';
import { launch, noBrowserReason } from '../test/dashboard/browser';
import { quantile } from './synthetic-calls';

/**
 * The dashboard's first render over a database: the service started on it, the page opened
 * `runs` times in a fresh headless chromium tab with the window given, timed from navigation to
 * the end of its first refresh (every chart drawn, totals and calls shown). Milliseconds.
 */
export const dashboardFirstRender = async (
  databaseUrl: string,
  view: { since: number; until: number; grain: string },
  runs = 7,
): Promise<number[] | string> => {
  const reason = noBrowserReason();
  if (reason) return reason;
  const dataDir = mkdtempSync(join(tmpdir(), 'hs-bench-dash-'));
  const running = await startServer({
    config: {
      server: { host: '127.0.0.1', port: 0 },
      database: { url: databaseUrl },
      data_dir: dataDir,
    },
    env: {},
    background: false,
    logger: pino({ level: 'silent' }),
  });
  const browser = await launch();
  try {
    const qs = new URLSearchParams({
      since: new Date(view.since).toISOString(),
      until: new Date(view.until).toISOString(),
      grain: view.grain,
    });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${running.url}/dashboard?${qs}`);
      await page.waitForSelector('body[data-rendered]');
      times.push(
        await page.evaluate<number>(
          "performance.getEntriesByName('dashboard-rendered')[0].startTime",
        ),
      );
      await page.close();
    }
    return times;
  } finally {
    await browser.close();
    await running.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** p50 and worst of the render times, or why none were measured. */
export const renderSummary = (t: number[] | string): string =>
  typeof t === 'string'
    ? `not measured: ${t}`
    : `p50 ${quantile(t, 0.5).toFixed(0)} ms, worst ${Math.max(...t).toFixed(0)} ms over ${t.length} loads (first load included)`;
