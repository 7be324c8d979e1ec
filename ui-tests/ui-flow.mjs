// Drives wgmesh's page in Debian's chromium: creates a group through the form (after a validation
// error shown next to its field), waits until the page shows it converged, presses "Rotate WG keys for
// this host", follows the live feed through the whole chain of that change, opens the host detail,
// shows the deployers' observations (tunnel colours, drift, last seen), pastes Hoster records into the
// JSON view, follows a rollout in waves in its panel, and takes screenshots. It prints HEALTH when the test
// should publish the observations.
// Usage: WGMESH_API_TOKEN=... node ui-flow.mjs <baseUrl> <screenshotDir>; prints one "OK ..." line per step,
// exit 0 when all pass. The page holds the token as after an operator typed it in.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl, shots] = process.argv.slice(2);
if (!baseUrl || !shots) {
  console.error('usage: node ui-flow.mjs <baseUrl> <screenshotDir>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const GROUP = process.env.UI_GROUP || 'ui-demo';
const PASTED = `${GROUP}-paste`;
const WAVES = `${GROUP}-waves`;
const HOSTS = [1, 2, 3, 4].map((k) => ({
  name: `hoster-node-0${k}`, endpoint: `192.0.2.${10 + k}:51821`, internalNetworks: `10.10.${100 + k}.0/24`,
  tunnelSegment: `198.19.${k}.10/24`, interfaceSuffix: `node-0${k}`,
}));
const CHAIN = ['HostGroupChanged', 'HostGroupKeysGenerated', 'HostConfigRendered', 'DeploymentReported'];
const ROLLOUT_MS = 120_000;

const profile = mkdtempSync(join(tmpdir(), 'wgmesh-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
    '--no-first-run', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1600, height: 1000 },
});
await context.addInitScript((token) => sessionStorage.setItem('wgmesh-api-token', token), process.env.WGMESH_API_TOKEN || '');
const page = context.pages()[0] || await context.newPage();
const browserErrors = [];
page.on('pageerror', (e) => browserErrors.push(String(e)));
// a refused request (the deliberate 400 below) is logged by the browser too; only script errors count
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) browserErrors.push(m.text()); });

const ok = (text) => console.log(`OK ${text}`);

/** A PUT of a group through the API, with the token the page holds. */
async function putGroup(name, group) {
  const response = await fetch(`${baseUrl}/api/v1/groups/${name}`, {
    method: 'PUT', body: JSON.stringify(group),
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${process.env.WGMESH_API_TOKEN || ''}` },
  });
  if (!response.ok) throw new Error(`PUT ${name}: ${response.status} ${await response.text()}`);
  return response.json();
}

// the page's first group list is held back until the form below is filled, as from a busy server: its
// late answer must not replace the form the user opened meanwhile
let releaseList;
const listReleased = new Promise((resolve) => { releaseList = resolve; });
let firstListServed;
const listServed = new Promise((resolve) => { firstListServed = resolve; });
let listHeld = false;
await page.route('**/api/v1/groups', async (request) => {
  if (listHeld) return request.continue();
  listHeld = true;
  await listReleased;
  await request.continue();
  firstListServed();
});

try {
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#live[data-state="open"]', { timeout: 30_000 });
  ok('page loaded, live feed connected');

  // create through the form; a bad endpoint first, so the API's problem shows next to its field
  await page.click('#new-group');
  await page.fill('#group-name', GROUP);
  await page.selectOption('#topology', 'hoster');
  await page.click('#add-host');
  for (const [i, host] of HOSTS.entries()) {
    for (const [key, value] of Object.entries(host)) {
      await page.fill(`[data-path="hosts[${i}].${key}"]`, key === 'endpoint' && i === 2 ? '192.0.2.13:99999' : value);
    }
  }
  releaseList();
  await listServed;
  await page.waitForTimeout(1000);
  if ((await page.inputValue('#group-name')) !== GROUP) {
    throw new Error('the form was replaced when the first group list arrived late');
  }
  ok('the form kept what was typed when the first group list arrived late');
  await page.click('#save-group');
  const fieldError = page.locator('[data-path="hosts[2].endpoint"] + .field-error');
  await fieldError.filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
  if (!(await page.locator('[data-path="hosts[2].endpoint"]').evaluate((e) => e.classList.contains('invalid')))) {
    throw new Error('the endpoint field with the problem is not marked');
  }
  ok(`validation error next to hosts[2].endpoint: ${(await fieldError.textContent()).trim()}`);
  await page.screenshot({ path: join(shots, 'form-error.png') });

  await page.fill('[data-path="hosts[2].endpoint"]', HOSTS[2].endpoint);
  await page.click('#save-group');
  await page.waitForURL(`**/#/groups/${GROUP}`, { timeout: 15_000 });
  const created = await page.evaluate((g) => fetch(`/api/v1/groups/${g}`).then((r) => r.json()), GROUP);
  ok(`created ${GROUP} through the form at revision ${created.revision}`);

  await page.waitForSelector('#converged-badge[data-converged="true"]', { timeout: ROLLOUT_MS });
  await page.waitForSelector(`#group-list li[data-group="${GROUP}"][data-converged="true"]`, { timeout: 30_000 });
  const boxes = await page.locator('#mesh-svg g.host').evaluateAll((gs) => gs.map((g) => `${g.dataset.host}=${g.dataset.state}`));
  const tunnels = await page.locator('#mesh-svg path.tunnel').count();
  if (boxes.length !== 4 || boxes.some((b) => !b.endsWith('=applied')) || tunnels !== 6) {
    throw new Error(`the mesh picture shows ${boxes} and ${tunnels} tunnels`);
  }
  const chips = await page.locator('#mesh-svg g.host[data-host="hoster-node-04"] g.chip').evaluateAll((cs) => cs.map((c) => c.dataset.network));
  ok(`converged in the page: ${boxes.join(' ')}; ${tunnels} tunnels; hoster-node-04 has ${chips.join(', ')}`);

  // the seed's button, with its confirmation
  let confirmation = '';
  page.once('dialog', (dialog) => { confirmation = dialog.message(); dialog.accept(); });
  await page.click('#hosts-table tr[data-host="hoster-node-02"] button:has-text("Rotate WG keys for this host")');
  const rotated = created.revision + 1;
  await page.waitForSelector(`#chain[data-complete="true"][data-cause="rotate-host"][data-revision="${rotated}"]`, { timeout: ROLLOUT_MS });
  if (!confirmation.includes('hoster-node-02')) throw new Error(`no confirmation was asked: ${confirmation}`);
  const correlation = await page.getAttribute('#chain', 'data-correlation');
  const rows = await page.locator(`#feed li.feed-row[data-correlation="${correlation}"]`)
    .evaluateAll((lis) => lis.map((li) => `${li.dataset.type}|${li.dataset.host || ''}`));
  const types = new Set(rows.map((r) => r.split('|')[0]));
  const missing = CHAIN.filter((t) => !types.has(t));
  if (missing.length) throw new Error(`the feed lacks ${missing} for ${correlation}: ${rows}`);
  const reported = rows.filter((r) => r.startsWith('DeploymentReported|')).map((r) => r.split('|')[1]).sort();
  console.log(`CORRELATION ${correlation}`);
  ok(`feed shows the chain ${CHAIN.join(' -> ')} for ${correlation}; deployed to ${reported.join(', ')}`);
  await page.waitForSelector('#rollout-banner[data-complete="true"]', { timeout: 10_000 });
  await page.waitForSelector(`#group-facts:has-text("rev ${rotated}") #converged-badge[data-converged="true"]`, { timeout: ROLLOUT_MS });
  ok(`rotation rolled out: converged again at revision ${rotated}`);
  const changedBy = (await page.textContent('#changed-by')).trim();
  if (!/^by api@/.test(changedBy)) throw new Error(`the group's facts name no API caller: "${changedBy}"`);
  ok(`the rotation's actor is shown: ${changedBy}`);

  // the deployers' observations (the test publishes them, signed, when asked): tunnels coloured by state,
  // drift and "last seen" per host
  console.log('HEALTH');
  const tunnel = (a, b) => `#mesh-svg path.tunnel[data-from="hoster-node-0${a}"][data-to="hoster-node-0${b}"]`;
  const expectedTunnels = [[1, 2, 'up', '#16a34a'], [2, 3, 'stale', '#d97706'], [2, 4, 'down', '#dc2626'],
    [3, 4, 'up', '#16a34a']];
  // each host's observation is on its own partition, so config-service may take them in any order: wait for all
  for (const [a, b, want] of expectedTunnels) {
    await page.waitForSelector(`${tunnel(a, b)}[data-link="${want}"]`, { timeout: 30_000 });
  }
  await page.waitForSelector('#hosts-table tr[data-host="hoster-node-03"] [data-drift="drifted"]', { timeout: 30_000 });
  const colours = {};
  for (const [a, b, want, colour] of expectedTunnels) {
    const [link, stroke] = await page.locator(tunnel(a, b)).evaluate((p) => [p.dataset.link, p.getAttribute('stroke')]);
    if (link !== want || stroke !== colour) throw new Error(`tunnel ${a}-${b} is ${link} in ${stroke}, not ${want} in ${colour}`);
    colours[`${a}-${b}`] = `${link} ${stroke}`;
  }
  const drift = await page.getAttribute('#hosts-table tr[data-host="hoster-node-03"] [data-drift]', 'data-drift');
  const differences = await page.textContent('#hosts-table tr[data-host="hoster-node-03"] .differences');
  const seen = (await page.textContent('#hosts-table tr[data-host="hoster-node-01"] .last-seen')).trim();
  const unseen = (await page.textContent('#hosts-table tr[data-host="hoster-node-04"] .last-seen')).trim();
  const healthy = await page.getAttribute('#health-badge', 'data-healthy');
  // hoster-node-04 gets no published observation: "never", or the real deployer's own once it looked
  if (drift !== 'drifted' || !differences.includes('ListenPort') || !/ s ago$/.test(seen) || !/^(never|\d+ s ago)$/.test(unseen)
    || healthy !== 'false') {
    throw new Error(`health in the page: drift ${drift}, differences ${differences}, last seen ${seen}/${unseen}, healthy ${healthy}`);
  }
  ok(`health in the page: tunnels ${JSON.stringify(colours)}; hoster-node-03 ${drift}; last seen ${seen}; healthy ${healthy}`);
  await page.locator('#mesh-card').screenshot({ path: join(shots, 'mesh-health.png') });

  await page.screenshot({ path: join(shots, 'page.png') });
  await page.locator('#mesh-card').screenshot({ path: join(shots, 'mesh.png') });
  ok(`screenshots in ${shots}`);

  // the host detail: interfaces and peers, no secrets
  await page.click('#mesh-svg g.host[data-host="hoster-node-02"]');
  await page.waitForSelector('#detail-public-key');
  const publicKey = (await page.locator('#detail-public-key').innerText()).trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(publicKey)) throw new Error(`no public key in the host detail: ${publicKey}`);
  const detail = await page.locator('#drawer-body').innerText();
  const interfaces = await page.locator('#drawer-body .iface').count();
  if (interfaces !== 2 || !detail.includes('hoster-node-01') || /PrivateKey|PresharedKey\s*=/.test(detail)) {
    throw new Error(`unexpected host detail: ${interfaces} interfaces\n${detail}`);
  }
  await page.screenshot({ path: join(shots, 'host-detail.png') });
  await page.click('#drawer-body [data-close]');
  ok(`host detail of hoster-node-02: ${interfaces} interfaces, peers with public keys, no secrets`);

  // key ages, and the key lifecycle's actions: the preshared keys alone, and revoke with its confirmation
  const keyAge = (await page.textContent('#hosts-table tr[data-host="hoster-node-02"] .key-age')).trim();
  if (!/^\d+ (s|min)$/.test(keyAge)) throw new Error(`no key age for the rotated hoster-node-02: "${keyAge}"`);
  page.once('dialog', (dialog) => { confirmation = dialog.message(); dialog.accept(); });
  await page.click('#rotate-preshared-keys');
  await page.waitForSelector(`#chain[data-complete="true"][data-cause="rotate-preshared-keys"][data-revision="${rotated + 1}"]`,
    { timeout: ROLLOUT_MS });
  if (!confirmation.includes('preshared keys')) throw new Error(`no confirmation was asked: ${confirmation}`);
  ok(`key age of hoster-node-02 shown (${keyAge}); preshared keys rotated from the page at revision ${rotated + 1}`);
  await page.click('#mesh-svg g.host[data-host="hoster-node-04"]');
  await page.waitForSelector('#drawer-body [data-revoke]');
  const detailAge = (await page.textContent('#detail-key-age')).trim();
  page.once('dialog', (dialog) => { confirmation = dialog.message(); dialog.accept(); });
  await page.click('#drawer-body [data-revoke]');
  await page.waitForSelector(`#group-facts:has-text("rev ${rotated + 2}")`, { timeout: ROLLOUT_MS });
  await page.waitForSelector('#hosts-table tr[data-host="hoster-node-04"]', { state: 'detached', timeout: 30_000 });
  if (!confirmation.includes('Revoke hoster-node-04')) throw new Error(`no confirmation was asked: ${confirmation}`);
  ok(`hoster-node-04 (key age ${detailAge}) revoked from its detail after a confirmation: it left the group at revision ${rotated + 2}`);

  // Hoster Command Center records pasted into the JSON view, as they are
  await page.click('#new-group');
  await page.fill('#group-name', PASTED);
  await page.click('[data-tab="json"]');
  const records = [1, 2].map((k) => ({
    hostname: `hoster-zima-010${k}`, api_address: `hoster-zima-010${k}`, auth_user: 'admin', auth_password: '123456',
    wg: { net_segment: `198.19.${k}.10`, net_mask: 24, endpoint_address: `192.168.8.16${k}`, endpoint_port: 51821,
      allowed_subnets: [`10.10.10${k}.0/24`], interface_suffix: `zima-010${k}` },
  }));
  await page.fill('#group-json', JSON.stringify(records, null, 2));
  await page.click('#save-group');
  await page.waitForURL(`**/#/groups/${PASTED}`, { timeout: 15_000 });
  await page.waitForSelector('#hosts-table tr[data-host="hoster-zima-0102"]');
  ok(`Hoster records pasted into the JSON view made group ${PASTED}`);

  // an edit shows its plan first; one that removes half the group is held back until "Apply anyway"
  await page.click(`a[href="#/groups/${PASTED}/edit"]`);
  await page.click('[data-tab="json"]');
  const kept = JSON.parse(await page.inputValue('#group-json'));
  if (kept.driftPolicy !== 'repair') throw new Error(`the editor dropped a setting it does not show: ${JSON.stringify(kept)}`);
  await page.click('[data-tab="form"]');
  await page.click('#host-rows tr:nth-child(2) button[aria-label="Remove host"]');
  await page.click('#save-group');
  await page.waitForSelector('#plan:not([hidden]) #apply-plan');
  const planText = (await page.locator('#plan-lines li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()).join('; ');
  const warning = (await page.textContent('#plan-warning')).replace(/\s+/g, ' ').trim();
  if (!planText.includes('removes 1 host(s): hoster-zima-0102') || !planText.includes('tunnels: 1 → 0')) {
    throw new Error(`the plan does not say what the edit removes: ${planText}`);
  }
  if (!warning.includes('removes 1 of 2 hosts') || (await page.textContent('#apply-plan')).trim() !== 'Apply anyway') {
    throw new Error(`the plan does not warn about removing half the group: ${warning}`);
  }
  const unchanged = await page.evaluate((g) => fetch(`/api/v1/groups/${g}`).then((r) => r.json()), PASTED);
  if (unchanged.revision !== 1 || unchanged.hosts.length !== 2) throw new Error(`the plan changed the group: ${JSON.stringify(unchanged)}`);
  ok(`the edit's plan, before anything changed: ${planText}; ${warning}`);
  await page.screenshot({ path: join(shots, 'edit-plan.png') });
  await page.click('#apply-plan');
  await page.waitForURL(`**/#/groups/${PASTED}`, { timeout: 15_000 });
  await page.waitForSelector('#hosts-table tr[data-host="hoster-zima-0102"]', { state: 'detached', timeout: 30_000 });
  const applied = await page.evaluate((g) => fetch(`/api/v1/groups/${g}`).then((r) => r.json()), PASTED);
  if (applied.revision !== 2 || applied.hosts.length !== 1 || applied.driftPolicy !== 'repair') {
    throw new Error(`the forced edit did not apply as planned: ${JSON.stringify(applied)}`);
  }
  ok(`the edit applied from its plan at revision ${applied.revision}, forced past the 30% limit`);

  // a group that rolls out in waves: a changed endpoint goes to its host first (the canary), then one host a
  // wave; the file target sees no tunnels, so each gate passes once its hosts applied
  const waveHosts = [1, 2, 3].map((k) => ({
    name: `wave-node-0${k}`, endpoint: `192.0.2.${20 + k}:51821`, internalNetworks: [`10.20.${k}.0/24`],
    tunnelSegment: `198.19.${k}.20/24`, interfaceSuffix: `wave-0${k}`,
  }));
  const wavesGroup = { topology: 'hoster', hosts: waveHosts,
    rollout: { strategy: 'waves', canary: 1, waveSize: 1, gateSeconds: 30, onFailure: 'pause' } };
  await putGroup(WAVES, wavesGroup);
  await page.click(`#group-list li[data-group="${WAVES}"] a`, { timeout: 30_000 });
  await page.waitForSelector(`#group-title:text-is("${WAVES}")`);
  await page.waitForSelector('#converged-badge[data-converged="true"]', { timeout: ROLLOUT_MS });
  waveHosts[1].endpoint = '192.0.2.22:51822';
  const changed = await putGroup(WAVES, wavesGroup);
  await page.waitForSelector('#rollout-state:text-is("RUNNING")', { timeout: 30_000 });
  await page.waitForSelector('#rollout-state:text-is("DONE")', { timeout: ROLLOUT_MS }).catch(async () => {
    throw new Error(`the rollout did not finish: ${(await page.textContent('#rollout')).replace(/\s+/g, ' ')}`);
  });
  const waves = await page.locator('#rollout-waves li').evaluateAll((lis) => lis.map((li) => [li.textContent.replace(/\s+/g, ' ').trim(), li.dataset.released]));
  if (waves.length !== 3 || !waves[0][0].includes('wave-node-02') || waves.some(([, released]) => released !== 'true')) {
    throw new Error(`the rollout's waves in the page: ${JSON.stringify(waves)}`);
  }
  // the evidence is the server's lines as text ("h <- p: ..." would be markup if it were not escaped)
  const status = await page.evaluate((g) => fetch(`/api/v1/groups/${g}/status`).then((r) => r.json()), WAVES);
  const evidence = await page.locator('#rollout-evidence li').evaluateAll((lis) => lis.map((li) => [li.textContent, li.childElementCount]));
  if (status.rollout?.state !== 'DONE' || status.rollout.revision !== changed.revision || evidence.length === 0
    || JSON.stringify(evidence.map(([text]) => text)) !== JSON.stringify(status.rollout.evidence)
    || evidence.some(([, elements]) => elements !== 0)) {
    throw new Error(`the rollout's evidence in the page: ${JSON.stringify(evidence)}; status: ${JSON.stringify(status.rollout)}`);
  }
  if (await page.locator('#rollout-resume, #rollout-rollback').count() !== 0) throw new Error('a finished rollout offers resume or roll back');
  await page.locator('#rollout').screenshot({ path: join(shots, 'rollout.png') });
  ok(`the rollout in waves of ${WAVES} went RUNNING to DONE in the page at revision ${changed.revision}: ${waves.map(([text]) => text).join('; ')};`
    + ` evidence as text: ${evidence[0][0]}`);

  if (browserErrors.length) throw new Error(`errors in the browser console: ${browserErrors.join('; ')}`);
  console.log('UI-FLOW PASSED');
} catch (e) {
  console.log(`FAILED ${e.message}`);
  await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
