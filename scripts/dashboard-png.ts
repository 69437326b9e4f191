import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  launch,
  noBrowserReason,
  renderedAtLeast,
  shownTotals,
  windowChanged,
} from '../test/dashboard/browser';
import { startSeededServer } from '../test/dashboard/seed';

const TOKEN = 'dashboard-png-token-0123456789';
const OUT = resolve(__dirname, '..', 'docs', 'dashboard.png');

/**
 * `npm run docs:dashboard`: the dashboard of a seeded service (the browser suite's data),
 * seven days shown, saved as docs/dashboard.png for the README. Needs Debian's chromium
 * (CHROMIUM_PATH to use another).
 */
const main = async (): Promise<void> => {
  const reason = noBrowserReason();
  if (reason) throw new Error(reason);
  const server = await startSeededServer(TOKEN);
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('#token-dialog[open]');
    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button[type=submit]');
    await renderedAtLeast(page, 1);
    const before = (await shownTotals(page)).since;
    await page.click('[data-range="7d"]');
    await windowChanged(page, before);
    mkdirSync(join(OUT, '..'), { recursive: true });
    await page.screenshot({ path: OUT, fullPage: true });
    process.stdout.write(`saved ${OUT}\n`);
  } finally {
    await browser.close();
    await server.shutdown();
  }
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`docs:dashboard failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
