// Shared by the test files: the browser, screenshots, and the console-error policy (no page
// errors, no console errors, and every HTTP failure the page sees provoked on purpose).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const SHOTS = process.env.UI_SHOTS_DIR ?? '/tmp/ui-shots';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Headless Chromium with a fresh profile; `close()` removes the profile. */
export async function openBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'vecstore-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A screenshot of a whole page, or of one element when `p` is a locator, into $UI_SHOTS_DIR. */
export const shot = (p, name) => p.screenshot({ path: join(SHOTS, name + '.png'), ...('goto' in p ? { fullPage: true } : {}) });

/** Records what goes wrong in the watched pages; `assertClean()` fails on anything unexpected. */
export class Watch {
  problems = []; // page errors, console errors and failed requests nobody expected
  badResponses = []; // every HTTP answer >= 400 the pages received: {method, path, status}
  expected = []; // the ones a test provokes on purpose: {method, path, status}

  watch(p) {
    p.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    p.on('requestfailed', (r) => this.problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    p.on('response', (r) => {
      if (r.status() >= 400) this.badResponses.push({ method: r.request().method(), path: new URL(r.url()).pathname, status: r.status() });
    });
    p.on('console', (m) => {
      // Chromium logs every HTTP error answer as "Failed to load resource"; those are
      // checked against the expected failures, everything else is a problem.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) this.problems.push(`console error: ${m.text()}`);
    });
  }

  /** Declares that the next `method path` answer with `status` is provoked on purpose. */
  expectFailure(method, path, status, times = 1) {
    for (let i = 0; i < times; i++) this.expected.push({ method, path, status });
  }

  assertClean() {
    const unexpected = this.badResponses.filter((r) => {
      const i = this.expected.findIndex((e) => e.method === r.method && e.path === r.path && e.status === r.status);
      if (i < 0) return true;
      this.expected.splice(i, 1);
      return false;
    });
    assert.deepEqual(this.problems, []);
    assert.deepEqual(unexpected, []);
    assert.deepEqual(this.expected, [], 'every provoked failure was seen');
  }
}
