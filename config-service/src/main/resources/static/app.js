// wgmesh's page: host groups, the mesh picture with live rollout state, the two rotate buttons, a rollout
// in waves with resume and roll back, the group editor, per-host detail and the live feed. Plain modules, no
// framework, no build step.
import { api, ApiError } from './api.js';
import { COMPACT_ABOVE, drawCompact, drawMesh, hostColour, hosterNetworks, linkStates } from './mesh.js';
import { Feed } from './feed.js';
import { Editor } from './editor.js';
import { html } from './html.js';

const main = document.getElementById('main');
const state = {
  groups: null, // until the first list arrives
  statuses: new Map(),
  page: null, // {name, view, etag, status}
  zoom: new Map(),
};

const feed = new Feed({
  onEvent: (event) => {
    debounce('groups', 700, loadGroups);
    if (state.page && event.group === state.page.name) {
      throttle('page', 300, refreshPage);
    }
    renderChangeBanner();
  },
  onState: (s) => {
    const live = document.getElementById('live');
    live.dataset.state = s;
    live.textContent = s === 'open' ? 'live' : s === 'closed' ? 'disconnected' : 'reconnecting…';
    if (s === 'open') loadGroups();
  },
});

const timers = new Map();
function debounce(key, ms, fn) {
  clearTimeout(timers.get(key));
  timers.set(key, setTimeout(fn, ms));
}

// at most one call per period while events keep coming, and one more after the last
const throttled = new Map();
function throttle(key, ms, fn) {
  if (throttled.has(key)) {
    throttled.set(key, true);
    return;
  }
  fn();
  throttled.set(key, false);
  setTimeout(() => {
    const again = throttled.get(key);
    throttled.delete(key);
    if (again) throttle(key, ms, fn);
  }, ms);
}

function toast(message, bad) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = `toast${bad ? ' bad' : ''}`;
  t.hidden = false;
  debounce('toast', 4000, () => { t.hidden = true; });
}

function stateOf(hostStatus) {
  return (hostStatus?.state || 'PENDING').toLowerCase();
}

function statesMap(status) {
  return new Map((status?.hosts || []).map((h) => [h.host, stateOf(h)]));
}

// ---- group list ----------------------------------------------------------------------------------

async function loadGroups() {
  try {
    state.groups = await api.groups();
  } catch (e) {
    return;
  }
  const statuses = await Promise.all(state.groups.map((g) => api.status(g.name).catch(() => null)));
  state.statuses = new Map(state.groups.map((g, i) => [g.name, statuses[i]]));
  feed.setGroups(state.groups.map((g) => g.name));
  renderGroupList();
}

function renderGroupList() {
  const list = document.getElementById('group-list');
  if (!state.groups) return;
  if (state.groups.length === 0) {
    list.innerHTML = html`<li class="empty">No groups yet. Create one, or send one to the API or the commands topic.</li>`;
    return;
  }
  list.replaceChildren(...state.groups.map((g) => {
    const status = state.statuses.get(g.name);
    const converged = status?.converged;
    const failed = status?.hosts?.some((h) => h.state === 'FAILED');
    const li = document.createElement('li');
    li.dataset.group = g.name;
    li.dataset.converged = String(Boolean(converged));
    li.className = state.page?.name === g.name ? 'active' : '';
    li.innerHTML = html`<a href="#/groups/${encodeURIComponent(g.name)}">
      <div class="gname"><span>${g.name}</span>${failed ? html`<span class="badge bad">failed</span>`
        : converged ? html`<span class="badge ok converged">converged</span>` : html`<span class="badge warn state-pending"><span class="dot"></span>rolling out</span>`}</div>
      <div class="gmeta">${g.topology} · ${g.hostCount} host${g.hostCount === 1 ? '' : 's'} · rev ${g.revision}</div></a>`;
    return li;
  }));
}

// ---- routing -------------------------------------------------------------------------------------

// a page that loads slowly must not replace the one the user went to meanwhile
let routeCount = 0;

async function route() {
  const routed = ++routeCount;
  const stillCurrent = () => routed === routeCount;
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  closeDrawer();
  let match;
  if (hash === '/new') {
    state.page = null;
    new Editor(main, null, { onSaved: saved, onCancel: () => { location.hash = '#/'; } });
  } else if ((match = /^\/groups\/([^/]+)\/edit$/.exec(hash))) {
    state.page = null;
    try {
      const { json, etag } = await api.group(match[1]);
      if (!stillCurrent()) return;
      new Editor(main, { view: json, etag }, { onSaved: saved, onCancel: () => { location.hash = `#/groups/${match[1]}`; } });
    } catch (e) {
      if (stillCurrent()) notFound(match[1], e);
    }
  } else if ((match = /^\/groups\/([^/]+)$/.exec(hash))) {
    if (!(await openGroup(match[1], stillCurrent))) return;
  } else {
    state.page = null;
    home();
  }
  renderGroupList();
}

function saved(name, view) {
  toast(`Saved ${name} at revision ${view.revision}; rolling out.`);
  feed.followRevision(name, view.revision);
  loadGroups();
  location.hash = `#/groups/${encodeURIComponent(name)}`;
}

function home() {
  main.innerHTML = html`<div class="empty-state">
    <h1>WireGuard mesh, event driven</h1>
    <p>Pick a host group on the left, or create one. Every change rolls out through keygen, the renderer and
      the deployers; the live feed on the right shows each step as it happens.</p>
    <a class="btn btn-primary" href="#/new">New group</a></div>`;
}

function notFound(name, error) {
  main.innerHTML = html`<div class="empty-state"><h1>No group ${name}</h1><p>${error.message}</p>
    <a class="btn" href="#/">Back</a></div>`;
}

// ---- one group -----------------------------------------------------------------------------------

/** Shows the group unless the user went elsewhere while it loaded; says whether it did. */
async function openGroup(name, stillCurrent) {
  let group;
  let status;
  try {
    group = await api.group(name);
    status = await api.status(name);
  } catch (e) {
    if (!stillCurrent()) return false;
    state.page = null;
    notFound(name, e);
    return true;
  }
  if (!stillCurrent()) return false;
  const health = await api.health(name).catch(() => null);
  if (!stillCurrent()) return false;
  state.page = { name, view: group.json, etag: group.etag, status, health };
  feed.showGroup(name);
  feed.setHosts(group.json.hosts.map((h) => h.name));
  main.innerHTML = html`
    <div class="page-head">
      <h1 id="group-title">${name}</h1>
      <span class="facts" id="group-facts"></span>
      <span class="actions">
        <a class="btn" href="#/groups/${encodeURIComponent(name)}/edit">Edit</a>
        <button class="btn btn-danger" type="button" id="delete-group">Delete</button>
        ${group.json.presharedKeys ? html`<button class="btn btn-rotate" type="button" id="rotate-preshared-keys"
          title="every pair gets a new preshared key and keeps its session: no packet lost">Rotate preshared keys</button>` : ''}
        <button class="btn btn-rotate" type="button" id="rotate-group">Rotate WG keys for all hosts</button>
      </span>
    </div>
    <div id="change-banner"></div>
    <section class="card" id="rollout" hidden></section>
    <section class="card" id="mesh-card">
      <div class="card-head"><h3>Mesh</h3><span class="legend" id="mesh-legend"></span><span class="spacer"></span>
        <span class="mesh-tools" id="mesh-tools">
          <button class="btn btn-small" type="button" data-zoom="out" title="Zoom out">−</button>
          <button class="btn btn-small" type="button" data-zoom="fit" title="Fit to the panel">Fit</button>
          <button class="btn btn-small" type="button" data-zoom="in" title="Zoom in">+</button>
        </span></div>
      <div class="mesh-wrap" id="mesh"></div>
    </section>
    <section class="card">
      <div class="card-head"><h3>Hosts</h3><span class="spacer"></span><span class="note">Click a host for its interfaces, peers and last report.</span></div>
      <table id="hosts-table"><thead><tr><th>Host</th><th>Endpoint</th><th>State</th><th>Desired</th><th>Applied</th><th>Replica</th><th>Key age</th><th>Drift</th><th>Last seen</th><th></th></tr></thead><tbody></tbody></table>
    </section>`;
  main.querySelector('#delete-group').addEventListener('click', deleteGroup);
  main.querySelector('#rotate-group').addEventListener('click', rotateGroup);
  main.querySelector('#rotate-preshared-keys')?.addEventListener('click', rotatePresharedKeys);
  main.querySelectorAll('[data-zoom]').forEach((b) => b.addEventListener('click', () => zoom(b.dataset.zoom)));
  renderPage();
  return true;
}

/** Status again, and the group too when its revision moved on. */
async function refreshPage() {
  const page = state.page;
  if (!page) return;
  try {
    const status = await api.status(page.name);
    if (status.revision !== page.view.revision) {
      const group = await api.group(page.name);
      page.view = group.json;
      page.etag = group.etag;
      feed.setHosts(group.json.hosts.map((h) => h.name));
    }
    page.status = status;
    page.health = await api.health(page.name).catch(() => page.health);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      toast(`Group ${page.name} was deleted.`);
      location.hash = '#/';
    }
    return;
  }
  if (state.page === page) renderPage();
}

function renderPage() {
  const { view, status, health } = state.page;
  const links = linkStates(health);
  const states = statesMap(status);
  const counts = { applied: 0, pending: 0, failed: 0 };
  view.hosts.forEach((h) => { counts[states.get(h.name) || 'pending']++; });
  const converged = status?.converged && status.revision === view.revision;
  main.querySelector('#group-facts').innerHTML = html`
    <span class="badge">${view.topology}</span>
    <span class="badge">rev ${view.revision}</span>
    ${view.changedBy ? html`<span class="badge" id="changed-by" title="who made this revision">by ${view.changedBy}</span>` : ''}
    <span class="badge">${view.hosts.length} host${view.hosts.length === 1 ? '' : 's'}</span>
    <span id="converged-badge" data-converged="${Boolean(converged)}" class="badge ${converged ? 'ok' : counts.failed ? 'bad' : 'warn state-pending'}">
      ${converged ? '✓ converged' : counts.failed ? `${counts.failed} failed` : html`<span class="dot"></span>rolling out`}</span>`;
  main.querySelector('#mesh-legend').innerHTML = html`
    <span class="badge state-applied"><span class="dot"></span>${counts.applied} applied</span>
    <span class="badge state-pending"><span class="dot"></span>${counts.pending} pending</span>
    <span class="badge state-failed"><span class="dot"></span>${counts.failed} failed</span>
    ${health ? html`<span class="badge ${health.healthy ? 'ok' : 'bad'}" id="health-badge" data-healthy="${health.healthy}"
      title="every host in sync and every tunnel up">${health.healthy ? 'healthy' : 'unhealthy'}, ${health.links.up}/${health.links.total} tunnels up</span>` : ''}
    <span class="link-legend"><span class="link up"></span>up <span class="link stale"></span>stale/never
      <span class="link down"></span>down <span class="link unknown"></span>unknown</span>`;
  renderMesh(view, states, links);
  renderHostTable(view, status, health);
  renderChangeBanner();
  renderRolloutPanel(status?.rollout);
}

function renderMesh(view, states, links) {
  const wrap = main.querySelector('#mesh');
  const compact = view.hosts.length > COMPACT_ABOVE;
  main.querySelector('#mesh-tools').hidden = compact;
  if (compact) {
    const note = document.createElement('p');
    note.className = 'hint';
    note.style.padding = '12px 16px 0';
    note.textContent = `Compact view: ${view.hosts.length} hosts, more than ${COMPACT_ABOVE}, so the ${view.hosts.length * (view.hosts.length - 1) / 2} tunnels are not drawn. Each tile is a host.`;
    wrap.replaceChildren(note, drawCompact(view, states, openHost, links));
    return;
  }
  const first = !wrap.querySelector('#mesh-svg');
  const svg = drawMesh(view, states, openHost, links);
  svg.id = 'mesh-svg';
  wrap.replaceChildren(svg);
  applyZoom();
  if (first) {
    // a picture larger than the panel opens at its middle
    wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
    wrap.scrollTop = (wrap.scrollHeight - wrap.clientHeight) / 2;
  }
}

function applyZoom() {
  const svg = main.querySelector('#mesh-svg');
  if (!svg) return;
  const wrap = main.querySelector('#mesh');
  const natural = Number(svg.dataset.naturalWidth);
  const fit = Math.min(1, (wrap.clientWidth - 8) / natural);
  // large groups stay readable: never smaller than 70 % unless asked (the panel scrolls instead)
  const scale = state.zoom.get(state.page.name) ?? Math.min(1, Math.max(fit, 0.7));
  svg.setAttribute('width', Math.round(natural * scale));
  svg.setAttribute('height', Math.round(Number(svg.dataset.naturalHeight) * scale));
}

function zoom(how) {
  const svg = main.querySelector('#mesh-svg');
  if (!svg) return;
  const wrap = main.querySelector('#mesh');
  const natural = Number(svg.dataset.naturalWidth);
  const current = Number(svg.getAttribute('width')) / natural;
  const fit = Math.min(1, (wrap.clientWidth - 8) / natural);
  const next = how === 'fit' ? fit : how === 'in' ? Math.min(2, current * 1.25) : Math.max(0.2, current / 1.25);
  state.zoom.set(state.page.name, next);
  applyZoom();
}

/** "12 s ago" from an instant, for when a deployer last looked at a host. */
function ago(instant) {
  if (!instant) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(instant).getTime()) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

/** A key's age as people read it: "182 d", "5 h", "12 min", "40 s"; "–" when not known. */
function age(seconds) {
  if (typeof seconds !== 'number') return '–';
  if (seconds >= 2 * 86400) return `${Math.floor(seconds / 86400)} d`;
  if (seconds >= 2 * 3600) return `${Math.floor(seconds / 3600)} h`;
  if (seconds >= 120) return `${Math.floor(seconds / 60)} min`;
  return `${seconds} s`;
}

/** When a scheduled rotation comes: "in 3 d", "in 40 min", or "now (due)" once its time passed. */
function when(instant) {
  const seconds = Math.round((new Date(instant).getTime() - Date.now()) / 1000);
  return seconds <= 0 ? 'now (due)' : `in ${age(seconds)}`;
}

function renderHostTable(view, status, health) {
  const byHost = new Map((status?.hosts || []).map((h) => [h.host, h]));
  const healthOf = new Map((health?.hosts || []).map((h) => [h.host, h]));
  const tbody = main.querySelector('#hosts-table tbody');
  tbody.replaceChildren(...view.hosts.map((host, i) => {
    const s = byHost.get(host.name) || {};
    const st = stateOf(s);
    const observed = healthOf.get(host.name) || { drift: 'UNKNOWN', differences: [] };
    const drift = String(observed.drift).toLowerCase();
    const tr = document.createElement('tr');
    tr.dataset.host = host.name;
    tr.dataset.state = st;
    const colour = hostColour(i);
    const networks = view.topology === 'mesh' ? 'wg0' : hosterNetworks(i, view.hosts.length).map((k) => `WG ${k + 1}`).join(', ');
    tr.innerHTML = html`
      <td><a href="#" data-open><span class="swatch"></span>${host.name}</a>
        <div class="note" title="interfaces">${networks}</div></td>
      <td class="mono">${host.endpoint}</td>
      <td><span class="badge state-${st}" title="${s.reason || ''}"><span class="dot"></span>${st}</span>
        ${s.reason ? html`<div class="field-error">${s.reason}</div>` : ''}</td>
      <td>${s.desiredRevision ?? '–'}</td>
      <td>${s.appliedRevision ?? '–'}</td>
      <td class="note replica">${s.replica || ''}</td>
      <td class="key-age" title="${s.nextKeyRotationAt ? `rotated by schedule at ${new Date(s.nextKeyRotationAt).toLocaleString()}` : 'no rotation scheduled'}">${age(s.keyAgeSeconds)}
        ${s.nextKeyRotationAt ? html`<div class="note next-rotation">next ${when(s.nextKeyRotationAt)}</div>` : ''}</td>
      <td class="drift"><span class="badge drift-${drift}" data-drift="${drift}">${drift.replace('_', ' ')}</span>
        ${drift === 'in_sync' ? '' : html`<ul class="differences">${(observed.differences || []).map((d) => html`<li>${d}</li>`)}</ul>`}</td>
      <td class="note last-seen" title="${observed.observedAt || ''}">${ago(observed.observedAt)}</td>
      <td class="actions"><button class="btn btn-rotate btn-small" type="button" data-rotate>Rotate WG keys for this host</button></td>`;
    // style properties, not a style attribute in the markup: the page's CSP allows only the former
    const swatch = tr.querySelector('.swatch');
    swatch.style.background = colour.fill;
    swatch.style.borderColor = colour.stroke;
    tr.querySelector('[data-open]').addEventListener('click', (e) => { e.preventDefault(); openHost(host.name); });
    tr.querySelector('[data-rotate]').addEventListener('click', () => rotateHost(host.name));
    return tr;
  }));
}

/** The banner above the picture while the page follows a change of this group. */
function renderChangeBanner() {
  const box = main.querySelector('#change-banner');
  if (!box || !state.page) return;
  if (!feed.correlation) {
    box.replaceChildren();
    return;
  }
  const chain = feed.chainOf(feed.correlation);
  if (!chain.changed || chain.changed.group !== state.page.name) {
    box.replaceChildren();
    return;
  }
  const cause = { 'rotate-host': `Rotating the WG keys of ${chain.changed.record.value?.rotatedHost || 'one host'}`,
    'rotate-group': 'Rotating the WG keys of all hosts', 'rotate-preshared-keys': 'Rotating the preshared keys',
    revoke: `Revoking ${chain.changed.record.value?.revoked?.at(-1) || 'a host'}`,
    'scheduled-rotation': chain.changed.record.value?.rotatedHost
      ? `Scheduled rotation of the WG keys of ${chain.changed.record.value.rotatedHost}` : 'Scheduled rotation of the preshared keys',
    upsert: 'Rolling out the change', delete: 'Removing the group' }[chain.changed.cause] || 'Rolling out';
  const done = chain.complete;
  box.innerHTML = html`<div class="rollout ${done ? (chain.failed ? 'failed' : 'done') : ''}" id="rollout-banner" data-complete="${done}">
    <strong>${cause}</strong> <span>revision ${chain.changed.revision}</span>
    ${chain.changed.record.value?.actor ? html`<span>by ${chain.changed.record.value.actor}</span>` : ''}
    <span class="badge ${chain.keys ? 'ok' : ''}">keys ${chain.keys ? '✓' : '…'}</span>
    <span class="badge ${chain.rendered.size ? 'ok' : ''}">rendered ${chain.rendered.size}</span>
    <span class="badge ${done ? (chain.failed ? 'bad' : 'ok') : 'warn'}">deployed ${chain.reports.size}/${chain.rendered.size || '…'}${chain.failed ? `, ${chain.failed} failed` : ''}</span>
    ${done ? html`<span>done</span>` : ''}</div>`;
}

const ROLLOUT_BADGES = { RUNNING: 'warn', PAUSED: 'bad', DONE: 'ok', ROLLED_BACK: 'bad' };

/** Whether the hosts of wave index i (0-based) run the rollout's revision, as the server decides it. */
function released(rollout, i) {
  if (rollout.state === 'DONE') return true;
  if (rollout.state === 'ROLLED_BACK') return false;
  return i < rollout.wave;
}

/** The group's rollout in waves, when its status has one: where it stands, its waves, what the last gate saw. */
function renderRolloutPanel(rollout) {
  const panel = main.querySelector('#rollout');
  panel.hidden = !rollout;
  if (!rollout) {
    panel.replaceChildren();
    return;
  }
  const gate = rollout.state === 'RUNNING' && rollout.gateDeadline;
  panel.innerHTML = html`
    <div class="card-head"><h3>Rollout</h3>
      <span class="badge ${ROLLOUT_BADGES[rollout.state] || ''}" id="rollout-state">${rollout.state}</span>
      <span>revision ${rollout.revision}, wave ${rollout.wave} of ${rollout.waves}</span>
      ${gate ? html`<span class="note" id="rollout-gate" title="${rollout.gateDeadline}">gate until ${new Date(rollout.gateDeadline).toLocaleTimeString()}</span>` : ''}
      <span class="spacer"></span>
      ${rollout.state === 'PAUSED' ? html`<button class="btn btn-small" type="button" id="rollout-resume">Resume</button>` : ''}
      ${rollout.state === 'RUNNING' || rollout.state === 'PAUSED'
        ? html`<button class="btn btn-danger btn-small" type="button" id="rollout-rollback">Roll back</button>` : ''}
    </div>
    <div class="card-body">
      <ol class="waves" id="rollout-waves">${(rollout.waveHosts || []).map((hosts, i) => {
        const done = released(rollout, i);
        return html`<li data-released="${done}"><span class="badge ${done ? 'ok' : ''}">wave ${i + 1}${i === 0 ? ' (canary)' : ''}${done ? ' ✓' : ''}</span>
          ${hosts.join(', ')}</li>`;
      })}</ol>
      ${rollout.reason ? html`<p class="field-error" id="rollout-reason">${rollout.reason}</p>` : ''}
      ${rollout.evidence?.length ? html`<ul class="evidence mono" id="rollout-evidence" title="what the latest gate saw">${rollout.evidence.map((line) => html`<li>${line}</li>`)}</ul>` : ''}
    </div>`;
  panel.querySelector('#rollout-resume')?.addEventListener('click', resumeRollout);
  panel.querySelector('#rollout-rollback')?.addEventListener('click', rollbackRollout);
}

async function resumeRollout() {
  const name = state.page.name;
  try {
    const rollout = await api.resumeRollout(name);
    toast(`Resumed the rollout of revision ${rollout.revision}: wave ${rollout.wave} of ${rollout.waves}`);
  } catch (e) {
    toast(`Not resumed: ${e.message}`, true);
  }
  refreshPage();
}

async function rollbackRollout() {
  const name = state.page.name;
  const { revision } = state.page.status.rollout;
  if (!confirm(`Roll back the rollout of revision ${revision} of ${name}?\n\nEvery host returns to the configs and keys of the revision before it, by a new revision.`)) return;
  try {
    const result = await api.rollbackRollout(name);
    toast(`Rolling back: revision ${result.revision}`);
    feed.followRevision(name, result.revision);
  } catch (e) {
    toast(`Not rolled back: ${e.message}`, true);
  }
  refreshPage();
}

async function rotateHost(host) {
  const name = state.page.name;
  if (!confirm(`Rotate the WireGuard keys of ${host} in ${name}?\n\n${host} gets a new key pair and new preshared keys; every other host is updated to its new public key.`)) return;
  try {
    const result = await api.rotateHost(name, host);
    toast(`Rotating the keys of ${host}: revision ${result.revision}`);
    feed.followRevision(name, result.revision);
    renderChangeBanner();
  } catch (e) {
    toast(`Not rotated: ${e.message}`, true);
  }
}

async function rotateGroup() {
  const name = state.page.name;
  if (!confirm(`Rotate the WireGuard keys of all ${state.page.view.hosts.length} hosts in ${name}?\n\nEvery host gets a new key pair and every pair a new preshared key.`)) return;
  try {
    const result = await api.rotateGroup(name);
    toast(`Rotating the keys of all hosts: revision ${result.revision}`);
    feed.followRevision(name, result.revision);
  } catch (e) {
    toast(`Not rotated: ${e.message}`, true);
  }
}

async function rotatePresharedKeys() {
  const name = state.page.name;
  if (!confirm(`Rotate the preshared keys of ${name}?\n\nEvery pair of hosts gets a new preshared key; no host gets a new key pair, and running tunnels keep their sessions.`)) return;
  try {
    const result = await api.rotatePresharedKeys(name);
    toast(`Rotating the preshared keys: revision ${result.revision}`);
    feed.followRevision(name, result.revision);
  } catch (e) {
    toast(`Not rotated: ${e.message}`, true);
  }
}

async function revokeHost(host) {
  const name = state.page.name;
  if (!confirm(`Revoke ${host} in ${name}?\n\nNo other host will list its public key, every pair gets new preshared keys, and its own configs are removed where it can still be reached. It stays out until the group declares it again, then with a new key pair.`)) return;
  try {
    const result = await api.revoke(name, host);
    toast(`Revoking ${host}: revision ${result.revision}`);
    feed.followRevision(name, result.revision);
  } catch (e) {
    toast(`Not revoked: ${e.message}`, true);
  }
}

async function deleteGroup() {
  const name = state.page.name;
  if (!confirm(`Delete the group ${name}?\n\nThe deployers remove its WireGuard configs from all ${state.page.view.hosts.length} hosts.`)) return;
  try {
    await api.remove(name);
    toast(`Deleted ${name}.`);
    state.page = null;
    location.hash = '#/';
    loadGroups();
  } catch (e) {
    toast(`Not deleted: ${e.message}`, true);
  }
}

// ---- host detail ---------------------------------------------------------------------------------

async function openHost(host) {
  const name = state.page?.name;
  if (!name) return;
  const drawer = document.getElementById('drawer');
  const body = document.getElementById('drawer-body');
  body.innerHTML = html`<p class="note">Loading…</p>`;
  drawer.hidden = false;
  let d;
  try {
    d = await api.host(name, host);
  } catch (e) {
    body.innerHTML = html`<p class="field-error">${e.message}</p>`;
    return;
  }
  const st = stateOf(d.status);
  const r = d.lastReport;
  body.innerHTML = html`
    <div class="page-head">
      <h1 id="drawer-title">${d.host.name}</h1>
      <span class="badge state-${st}" id="detail-state"><span class="dot"></span>${st}</span>
      <span class="actions">
        <button class="btn btn-rotate btn-small" type="button" data-rotate>Rotate WG keys for this host</button>
        <button class="btn btn-danger btn-small" type="button" data-revoke>Revoke</button>
        <button class="btn btn-small" type="button" data-close>Close</button>
      </span>
    </div>
    <dl class="kv">
      <dt>Group</dt><dd>${d.group} (revision ${d.revision}), slot ${d.slot}</dd>
      <dt>Endpoint</dt><dd class="mono">${d.host.endpoint}</dd>
      <dt>OS</dt><dd>${d.host.os}</dd>
      ${d.host.tunnelSegment ? html`<dt>Tunnel segment</dt><dd class="mono">${d.host.tunnelSegment}</dd>` : ''}
      ${d.host.interfaceSuffix ? html`<dt>Interface suffix</dt><dd class="mono">${d.host.interfaceSuffix}</dd>` : ''}
      <dt>Internal networks</dt><dd class="mono">${(d.host.internalNetworks || []).join(', ') || '–'}</dd>
      <dt>Public key</dt><dd class="mono" id="detail-public-key">${d.publicKey || 'not keyed yet'}</dd>
      <dt>Key age</dt><dd id="detail-key-age">${age(d.status?.keyAgeSeconds)}${d.status?.nextKeyRotationAt
        ? html` <span class="note">(rotated by schedule ${when(d.status.nextKeyRotationAt)})</span>` : ''}</dd>
      <dt>Desired revision</dt><dd>${d.status?.desiredRevision ?? '–'} <span class="note">(files last changed; keyed at ${d.keyedRevision ?? '–'})</span></dd>
      <dt>Applied revision</dt><dd>${d.status?.appliedRevision ?? '–'}</dd>
      <dt>Last report</dt><dd>${r ? html`<span class="badge ${r.outcome === 'APPLIED' ? 'ok' : r.outcome === 'FAILED' ? 'bad' : 'info'}">${r.outcome}</span>
        revision ${r.revision} by ${r.replica} in ${r.durationMillis} ms, ${new Date(r.occurredAt).toLocaleString()}
        ${r.reason ? html`<div class="field-error" id="detail-reason">${r.reason}</div>` : ''}` : 'none yet'}</dd>
    </dl>
    <h3 class="interfaces-head">Interfaces (${d.interfaces.length})</h3>
    ${d.interfaces.map((i) => html`
      <div class="iface" data-interface="${i.name}">
        <div class="iface-head"><strong class="mono">${i.name}</strong>
          <span>Address <span class="mono">${i.addresses.join(', ')}</span></span>
          <span>ListenPort <span class="mono">${i.listenPort}</span></span>
          ${i.mtu ? html`<span>MTU <span class="mono">${i.mtu}</span></span>` : ''}</div>
        <div class="table-scroll"><table><thead><tr><th>Peer</th><th>Public key</th><th>Endpoint</th><th>Allowed IPs</th><th>PSK</th></tr></thead><tbody>
        ${i.peers.map((p) => html`<tr><td>${p.host}</td><td class="mono">${p.publicKey}</td>
          <td class="mono">${p.endpoint}</td><td class="mono">${p.allowedIps.join(', ')}</td>
          <td>${p.presharedKey ? 'yes' : 'no'}</td></tr>`)}
        </tbody></table></div></div>`)}
    <p class="note">Private keys and preshared keys never leave keygen and the deployers in plaintext; they are not shown here.</p>`;
  body.querySelector('[data-rotate]').addEventListener('click', () => { closeDrawer(); rotateHost(host); });
  body.querySelector('[data-revoke]').addEventListener('click', () => { closeDrawer(); revokeHost(host); });
}

function closeDrawer() {
  document.getElementById('drawer').hidden = true;
}

document.getElementById('drawer').addEventListener('click', (e) => {
  if (e.target.closest('[data-close]')) closeDrawer();
});
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDrawer(); });
document.getElementById('new-group').addEventListener('click', () => { location.hash = '#/new'; });
window.addEventListener('hashchange', route);
window.addEventListener('resize', () => debounce('resize', 150, applyZoom));
setInterval(loadGroups, 15000);
setInterval(() => { if (state.page) refreshPage(); }, 5000);

feed.connect();
feed.render();
route();
loadGroups();
