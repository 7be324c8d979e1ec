// Hostile values in front of wgmesh's page in Debian's chromium: a FAILED reason made by a host's apply
// tool, a forged change and report on the topics (replica, revision, rotated host, reason), and a
// pasted group whose host name is markup, and a forged observation (what differs, a peer's name). Each must show as text; the payload (it would set
// window.__pwned and send the API token away) must never run, and the page must break no CSP rule.
// Usage: WGMESH_API_TOKEN=... node ui-attack.mjs <baseUrl> <screenshotDir> <group> <forgedCorrelationId> <payload>
// It prints FORGE when the page is ready for the forged records (the test then writes them), one "OK ..."
// line per step, and exits 0 when all pass.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, shots, GROUP, FORGED, PAYLOAD] = process.argv.slice(2);
if (!PAYLOAD) {
  console.error('usage: node ui-attack.mjs <baseUrl> <screenshotDir> <group> <forgedCorrelationId> <payload>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const HOST = 'hoster-node-02';
const ROLLOUT_MS = 120_000;

const profile = mkdtempSync(join(tmpdir(), 'wgmesh-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1600, height: 1000 },
});
// the operator's token is in the page, as the payload's target; every CSP violation is kept
await context.addInitScript((token) => {
  sessionStorage.setItem('wgmesh-api-token', token);
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}, process.env.WGMESH_API_TOKEN || '');
const page = context.pages()[0] || await context.newPage();
const browserErrors = [];
page.on('pageerror', (e) => browserErrors.push(String(e)));
// the API's deliberate 400 is logged by the browser too; only script errors and CSP refusals count
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) browserErrors.push(m.text()); });

const ok = (text) => console.log(`OK ${text}`);
const shownAsText = async (selector, what) => {
  const text = await page.locator(selector).first().textContent({ timeout: 15_000 });
  if (!text.includes('onerror=') || !text.includes('<img')) throw new Error(`${what} does not show the payload as text: ${text}`);
};

try {
  const response = await page.goto(`${baseUrl}/#/groups/${GROUP}`, { waitUntil: 'domcontentloaded' });
  const headers = response.headers();
  if (headers['content-security-policy'] !== "default-src 'self'" || headers['x-frame-options'] !== 'DENY'
    || headers['x-content-type-options'] !== 'nosniff') {
    throw new Error(`the page's security headers: ${JSON.stringify(headers)}`);
  }
  ok("the page carries Content-Security-Policy: default-src 'self', X-Frame-Options: DENY, X-Content-Type-Options: nosniff");
  await page.waitForSelector('#live[data-state="open"]', { timeout: 30_000 });
  console.log('FORGE');

  // the host's apply tool failed with markup on stderr: the reason in the table's title and text
  const reason = `#hosts-table tr[data-host="${HOST}"] .field-error`;
  await page.locator(reason).filter({ hasText: 'onerror' }).waitFor({ timeout: ROLLOUT_MS });
  await shownAsText(reason, 'the host table');
  ok('the FAILED reason from the host\'s tool shows as text in the host table');

  // the forged records in the feed; following their change shows the replica and the revision
  const forgedRow = `#feed li.feed-row[data-correlation="${FORGED}"][data-topic="wgmesh.host-group-changed"]`;
  await page.waitForSelector(forgedRow, { timeout: 30_000 });
  await page.waitForSelector(`#feed li.feed-row[data-correlation="${FORGED}"][data-topic="wgmesh.deployment-reported"]`, { timeout: 30_000 });
  await page.click(forgedRow);
  await page.waitForSelector(`#chain[data-correlation="${FORGED}"] [data-step="DeploymentReported"]`, { timeout: 10_000 });
  await shownAsText('#chain [data-step="DeploymentReported"] .detail', 'the chain\'s replicas');
  await page.waitForSelector('#rollout-banner', { timeout: 15_000 });
  await shownAsText('#rollout-banner', 'the rollout banner');
  ok('the forged replica and revision show as text in the chain and the rollout banner');
  await page.screenshot({ path: join(shots, 'attack-feed.png') });

  // a compromised deployer's observation: markup in what differs, and (refused as an event, shown in the feed)
  // markup where a peer's name goes
  const differences = `#hosts-table tr[data-host="${HOST}"] .differences`;
  await page.locator(differences).filter({ hasText: 'onerror' }).waitFor({ timeout: 30_000 });
  await shownAsText(differences, 'the host\'s drift');
  await page.waitForSelector('#feed li.feed-row[data-topic="wgmesh.host-health-reported"]', { timeout: 30_000 });
  ok('the forged observation\'s differences show as text in the host table');

  await page.click(`#hosts-table tr[data-host="${HOST}"] [data-open]`);
  await page.waitForSelector('#detail-reason', { timeout: 15_000 });
  await shownAsText('#detail-reason', 'the host detail');
  ok('the FAILED reason shows as text in the host detail');
  await page.screenshot({ path: join(shots, 'attack-detail.png') });
  await page.click('#drawer-body [data-close]');

  // an operator pastes a group whose host name is the payload: the API's problems quote it
  await page.click('#new-group');
  await page.fill('#group-name', `${GROUP}-paste`);
  await page.click('[data-tab="json"]');
  await page.fill('#group-json', JSON.stringify({ topology: 'mesh', tunnelNetwork: '10.99.0.0/16', hosts: [
    { name: PAYLOAD, endpoint: '192.0.2.21:51820' }, { name: 'b', endpoint: PAYLOAD }] }));
  await page.click('#save-group');
  await page.locator('#editor-errors').filter({ hasText: 'onerror' }).waitFor({ timeout: 15_000 });
  await shownAsText('#editor-errors', 'the editor\'s problems');
  ok('the API\'s problems about a pasted host name show as text in the editor');
  await page.screenshot({ path: join(shots, 'attack-editor.png') });

  await page.waitForTimeout(1000);
  const found = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    injected: document.querySelectorAll('img, iframe, object, embed, script:not([src]), [onerror], [onload], [onclick]').length,
    violations: window.__violations,
  }));
  if (found.pwned !== null || found.injected !== 0 || found.violations.length !== 0) {
    throw new Error(`the payload got in: ${JSON.stringify(found)}`);
  }
  if (browserErrors.length) throw new Error(`errors in the browser console: ${browserErrors.join('; ')}`);
  ok('no injected element, no handler ran, no CSP violation');
  console.log('UI-ATTACK PASSED');
} catch (e) {
  console.log(`FAILED ${e.message}`);
  await page.screenshot({ path: join(shots, 'attack-failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
