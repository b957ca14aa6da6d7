// End-to-end tests of `modsim serve` in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; no browser is downloaded). Run by .ci/run:
//
//   cargo build && (cd tests/browser && npm ci && node --test)
//
// MODSIM_BIN names the binary (default: target/debug/modsim); CHROMIUM the browser (default:
// /usr/bin/chromium). With MODSIM_SCREENS=DIR, the run view (seed and weekend), the compare
// view and the exercise view are saved there as PNG screenshots, 1400 px wide.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const bin = process.env.MODSIM_BIN || join(root, 'target/debug/modsim');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const screens = process.env.MODSIM_SCREENS;
const SEED = 'seeds/parler-aws-2021/scenario.toml';
const WEEKEND = 'seeds/weekend-2021-01/scenario.toml';

let server;
let base;
let browser;

before(async () => {
  if (!existsSync(browserPath)) {
    throw new Error(`no Chromium at ${browserPath}: install Debian's \`chromium\` (apt-get install chromium) or set CHROMIUM`);
  }
  if (!existsSync(bin)) throw new Error(`no modsim binary at ${bin}: run \`cargo build\` first or set MODSIM_BIN`);
  server = spawn(bin, ['serve', '--port', '0', '--answers-dir', join(root, 'exercises/keys')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) ok(line.trim().replace(/\/$/, ''));
    });
    server.on('exit', (code) => fail(new Error(`modsim serve exited with ${code}`)));
    const timer = setTimeout(() => fail(new Error('modsim serve did not start in 30 s')), 30000);
    timer.unref();
  });
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (screens) mkdirSync(screens, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

// A fresh browser context (no storage shared with any other), 1400 px wide, failing the test
// on any error the page throws or any request that leaves the server.
async function page() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(15000);
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    errors.push(`a request left the server: ${url}`);
    return route.abort();
  });
  p.errors = errors;
  return p;
}

const verdict = (p, event = 'action-1') => p.locator(`.verdict[data-event="${event}"]`).first();
const earliestRow = (p, power) => p.locator('table.earliest tr', { has: p.locator(`button[data-clause="${power}"]`) }).first();

async function shot(p, name) {
  if (screens) await p.screenshot({ path: join(screens, name), fullPage: true });
}

test('the seed: the suspension is permitted on 6.1(b)', async () => {
  const p = await page();
  await p.goto(`${base}/#/run?s=${encodeURIComponent(SEED)}`);
  await verdict(p).waitFor();
  const text = await verdict(p).innerText();
  assert.match(text, /PERMITTED/);
  assert.doesNotMatch(text, /NOT PERMITTED/);
  assert.match(text, /grounds: 6\.1\(b\)/);
  assert.match(await p.locator('.banner').innerText(), /RECONSTRUCTED DATA/);
  await shot(p, 'run-seed.png');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('the thirty-days reform: the suspension flips and the earliest termination moves to 2021-02-08', async () => {
  const p = await page();
  await p.goto(`${base}/#/run?s=${encodeURIComponent(SEED)}`);
  await verdict(p).waitFor();
  assert.equal(await earliestRow(p, '7.2(b)(ii)').locator('td.at').innerText(), '2021-01-09 18:00 PST');
  await p.locator('.reforms input[value="policies/reforms/thirty-days-notice.toml"]').check();
  await p.locator('.verdict.no[data-event="action-1"]').waitFor();
  assert.match(await verdict(p).innerText(), /NOT PERMITTED/);
  assert.equal(await earliestRow(p, '7.2(a)').locator('td.at').innerText(), '2021-02-08 18:00 PST');
  assert.equal(await earliestRow(p, '7.2(b)(ii)').count(), 0, '7.2(b)(ii) is taken out');
  // The compare view says the same, differences first.
  await p.locator('a.to-compare').click();
  const diffs = p.locator('table.differences');
  await diffs.waitFor();
  const table = await diffs.innerText();
  assert.match(table, /permitted on 6\.1\(b\)\s*→\s*not permitted/);
  assert.match(table, /earliest terminate: aws against parler\s+2021-01-09 18:00 PST \(7\.2\(b\)\(ii\)\)\s*→\s*2021-02-08 18:00 PST \(7\.2\(a\)\)\s*\+30 days/);
  await p.locator('.run-col .timeline-svg').nth(1).waitFor();
  await shot(p, 'compare-thirty-days.png');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a click on a timeline mark opens its explanation, down to the clause', async () => {
  const p = await page();
  await p.goto(`${base}/#/run?s=${encodeURIComponent(SEED)}`);
  const mark = p.locator('.timeline-svg .mark[data-kind="permitted"]').first();
  await mark.waitFor();
  // Every mark has a tooltip.
  const marks = p.locator('.timeline-svg .mark');
  const n = await marks.count();
  assert.ok(n >= 4, `${n} marks`);
  for (let i = 0; i < n; i++) assert.ok((await marks.nth(i).locator('title').textContent()).length > 10);
  await mark.hover();
  assert.match(await p.locator('#tooltip').innerText(), /aws suspend parler at 2021-01-10 23:59 PST: PERMITTED on 6\.1\(b\)/);
  await mark.click();
  const panel = p.locator('section.explanation');
  await panel.waitFor();
  assert.match(await panel.locator('h3').innerText(), /Why: aws suspend parler at 2021-01-10 23:59 PST/);
  assert.match(await panel.innerText(), /6\.1\(b\) Suspension for breach: aws may suspend parler: exercisable/);
  await panel.locator('button.clause-link[data-clause="6.1(b)"]').first().click();
  assert.match(await panel.locator('.clause-card').innerText(), /immediately upon notice if the customer or any end user is in breach/);
  // Unfolded, a post the tree names opens its card, marked reconstructed.
  await panel.locator('button.unfold').click();
  await panel.locator('button.post-link').first().click();
  assert.match(await panel.locator('.post-card').innerText(), /reconstructed/);
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('the weekend: one lane per party, labels that never overlap, reconstructed instants marked', async () => {
  const p = await page();
  await p.goto(`${base}/#/run?s=${encodeURIComponent(WEEKEND)}`);
  await p.locator('.timeline-svg .lane').first().waitFor();
  const lanes = await p.locator('.timeline-svg .lane').evaluateAll((ls) => ls.map((l) => l.dataset.party));
  for (const party of ['aws', 'apple', 'google', 'twitter', 'facebook', 'airbnb', 'parler']) assert.ok(lanes.includes(party), `a lane for ${party}`);
  assert.ok((await p.locator('.timeline-svg .mark.reconstructed').count()) > 0);
  const overlaps = async () => p.locator('.timeline-svg').evaluate((svg) => {
    const boxes = [...svg.querySelectorAll('text.label')].map((t) => t.getBoundingClientRect());
    let n = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) n++;
    }
    return n;
  });
  assert.equal(await overlaps(), 0, 'no two labels overlap');
  await shot(p, 'run-weekend.png');
  // Zoomed out to everything, and in on the weekend: still no overlap.
  await p.locator('.timeline-bar button[data-z="all"]').click();
  assert.equal(await overlaps(), 0, 'no overlap zoomed out');
  await p.locator('.timeline-bar button[data-z="focus"]').click();
  await p.locator('.timeline-bar button[data-z="in"]').click();
  assert.equal(await overlaps(), 0, 'no overlap zoomed in');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('exercise 3: a wrong answer gets the key’s messages, a right one passes', async () => {
  const p = await page();
  await p.goto(`${base}/#/exercise/apple-guideline-1-2`);
  const area = p.locator('.work-editor textarea');
  await area.waitFor();
  assert.match(await p.locator('.handout-text').innerText(), /guideline 1\.2/);
  // The starting policy, as `modsim new policy` writes it, is the wrong answer: the key's four
  // expected results fail, and so does the search against the key's reference, which shows
  // a timeline on which the two part.
  await p.locator('button.grade').click();
  await p.locator('.grade-results h3.fail').waitFor();
  const wrong = await p.locator('.grade-results').innerText();
  assert.match(wrong, /0 passed, 5 failed/);
  assert.match(wrong, /Apple's demand should be a power of the store under a clause `1\.2 \(demand\)`/);
  assert.match(wrong, /A timeline on which your work and the reference part/);
  assert.match(wrong, /Under B: the reference/);
  await shot(p, 'exercise-3-wrong.png');
  // The published encoding is a right one.
  const right = await p.evaluate(async () => (await (await fetch('/api/file?path=policies/apple-app-store-2021-01.toml')).json()).text);
  await area.fill(right);
  await p.locator('button.grade').click();
  await p.locator('.grade-results h3.pass').waitFor();
  assert.match(await p.locator('.grade-results').innerText(), /5 passed, 0 failed/);
  await shot(p, 'exercise-3-right.png');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});

test('a shared link reproduces the run in a fresh browser', async () => {
  const p = await page();
  await p.goto(`${base}/#/run?s=${encodeURIComponent(SEED)}`);
  await verdict(p).waitFor();
  await p.locator('.reforms input[value="policies/reforms/cure-before-termination.toml"]').check();
  await p.locator('.tabs button[data-path="policies/aws-2021-01.toml"]').click();
  const area = p.locator('.files textarea');
  const text = await area.inputValue();
  const edited = text.replace('convenience_notice = { value = "30 calendar days"', 'convenience_notice = { value = "10 calendar days"');
  assert.notEqual(edited, text);
  // A mistake first: the editor underlines it, located, as `modsim check` does.
  await area.fill(edited.replace('id = "6.1(b)"', 'id = "6.1(b)"\nmistake = 1'));
  await p.locator('.problems li.error').first().waitFor();
  assert.match(await p.locator('.problems').innerText(), /policies\/aws-2021-01\.toml:\d+:\d+/);
  assert.ok((await p.locator('.editor .squiggle.error').count()) > 0);
  await area.fill(edited);
  await p.locator('.problems-host .ok-line').waitFor();
  await p.waitForFunction(() => document.querySelector('table.earliest')?.innerText.includes('2021-01-19 18:00 PST'));
  await p.locator('button.share').click();
  await p.locator('.share-url').waitFor();
  const link = await p.locator('.share-url').inputValue();
  assert.match(link, /#\/run\?s=.*&r=.*&e=/);
  const results = async (q) => {
    await q.locator('.verdict').first().waitFor();
    await q.waitForFunction(() => document.querySelector('table.earliest'));
    return q.locator('.results').evaluate((r) => [...r.querySelectorAll('.verdict, table.earliest, table.duties')].map((e) => e.innerText).join('\n'));
  };
  const here = await results(p);
  const q = await page();
  await q.goto(link);
  const there = await results(q);
  assert.equal(there, here);
  assert.match(there, /2021-01-19 18:00 PST/);
  assert.deepEqual([...p.errors, ...q.errors], []);
  await p.context().close();
  await q.context().close();
});
