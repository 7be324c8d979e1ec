// The live feed: GET /api/v1/events (server-sent events, one topic record each), shown as it comes,
// filterable by group and host; a clicked row (or a rotation) follows one change by its correlationId
// from HostGroupChanged through keygen, the renderer and every deployer.
import { askToken, authHeaders } from './api.js';
import { html } from './html.js';

const MAX_EVENTS = 1500;

const TYPES = {
  'wgmesh.host-group-changed': { label: 'HostGroupChanged', colour: '#2563eb' },
  'wgmesh.host-group-keys-generated': { label: 'HostGroupKeysGenerated', colour: '#7c3aed' },
  'wgmesh.host-config-rendered': { label: 'HostConfigRendered', colour: '#0891b2' },
  'wgmesh.mesh-peers-rendered': { label: 'MeshPeersRendered', colour: '#0e7490' },
  'wgmesh.deployment-reported': { label: 'DeploymentReported', colour: '#16a34a' },
  'wgmesh.host-health-reported': { label: 'HostHealthReported', colour: '#0f766e' },
  'wgmesh.host-group-rejected': { label: 'HostGroupChangeRejected', colour: '#dc2626' },
  'wgmesh.host-group-commands': { label: 'Change request', colour: '#64748b' },
  'wgmesh.rollout-progressed': { label: 'RolloutProgressed', colour: '#b45309' },
};

/** A record of the stream in the form the page uses. */
export function describe(record) {
  const value = record.value || {};
  const headers = record.headers || {};
  const dlt = record.topic.endsWith('-dlt');
  const type = dlt ? { label: `Dead letter (${record.topic.replace(/^wgmesh\./, '')})`, colour: '#b91c1c' }
    : TYPES[record.topic] || { label: record.topic, colour: '#64748b' };
  const [group, host] = (record.key || '').split('/');
  let label = type.label;
  if (record.value === null && !dlt) label += ' (tombstone)';
  return {
    id: `${record.topic}-${record.partition}-${record.offset}`,
    record,
    topic: record.topic,
    type: label,
    colour: type.colour,
    group: value.group || group || '',
    host: value.host || host || '',
    revision: value.revision ?? (headers.wgmesh_revision ? Number(headers.wgmesh_revision) : null),
    correlationId: value.correlationId || headers.wgmesh_correlationid || null,
    cause: value.cause || null,
    outcome: value.outcome || null,
    reason: value.reason || headers['kafka_dlt-exception-message'] || null,
    time: headers.ce_time || value.occurredAt || record.timestamp,
    replica: value.replica || null,
  };
}

export class Feed {
  constructor({ onEvent, onState }) {
    this.events = [];
    this.onEvent = onEvent;
    this.onState = onState;
    this.group = '';
    this.host = '';
    this.correlation = null;
    this.wanted = null; // {group, revision}: follow the change of this revision once its HostGroupChanged is seen
    this.list = document.getElementById('feed');
    this.chain = document.getElementById('chain');
    this.groupSelect = document.getElementById('feed-group');
    this.hostInput = document.getElementById('feed-host');
    this.groupSelect.addEventListener('change', () => { this.group = this.groupSelect.value; this.render(); });
    this.hostInput.addEventListener('input', () => { this.host = this.hostInput.value.trim(); this.render(); });
    document.getElementById('feed-clear').addEventListener('click', () => { this.events = []; this.render(); });
    this.scheduled = false;
  }

  /**
   * Reads the stream with fetch rather than EventSource, so the API token can go in a header; on any
   * end (the server drops a client that falls behind) it connects again.
   */
  async connect() {
    let missed = false;
    for (;;) {
      try {
        const response = await fetch('/api/v1/events', { headers: { Accept: 'text/event-stream', ...authHeaders() } });
        if (response.status === 401) {
          this.onState('closed');
          if (!askToken('The live feed needs the API token (WGMESH_API_TOKEN):')) return;
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.onState('open');
        if (missed) this.notice('Reconnected: events of the gap may be missing here.');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.message(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (e) {
        // the service restarts or the network is away: try again below
      }
      missed = true;
      this.onState('connecting');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  /** One server-sent event block: data lines joined; comment lines (heartbeats) ignored. */
  message(block) {
    const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    if (!data) return;
    let record;
    try { record = JSON.parse(data); } catch { return; }
    const event = describe(record);
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    this.checkWanted(event);
    this.onEvent(event);
    this.scheduleRender();
  }

  notice(text) {
    this.events.push({ id: `notice-${Date.now()}`, notice: true, type: text, topic: '', group: '', host: '', time: new Date().toISOString(), colour: '#94a3b8' });
    this.scheduleRender();
  }

  setGroups(names) {
    const current = this.groupSelect.value;
    this.groupSelect.replaceChildren(new Option('all groups', ''), ...names.map((n) => new Option(n, n)));
    this.groupSelect.value = names.includes(current) ? current : '';
    this.group = this.groupSelect.value;
  }

  setHosts(names) {
    document.getElementById('feed-hosts').replaceChildren(...names.map((n) => new Option(n)));
  }

  showGroup(name) {
    if (this.group !== name) {
      this.groupSelect.value = name;
      this.group = this.groupSelect.value;
      this.render();
    }
  }

  /** Follow the change that made this revision of the group (a rotation, a save). */
  followRevision(group, revision) {
    this.showGroup(group);
    this.correlation = null;
    this.wanted = { group, revision };
    const seen = this.events.find((e) => this.isWanted(e));
    if (seen) this.checkWanted(seen); else this.render();
  }

  isWanted(event) {
    return this.wanted && event.topic === 'wgmesh.host-group-changed' && event.group === this.wanted.group
      && event.revision === this.wanted.revision;
  }

  checkWanted(event) {
    if (this.isWanted(event)) {
      this.wanted = null;
      this.follow(event.correlationId);
    }
  }

  follow(correlationId) {
    this.correlation = correlationId;
    this.render();
  }

  scheduleRender() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(); });
  }

  visible() {
    return this.events.filter((e) => e.notice || (!this.group || e.group === this.group)
      && (!this.host || e.host === this.host)
      && (!this.correlation || e.correlationId === this.correlation));
  }

  /** The chain of one change: what each stage did, and whether every rendered host was reported. */
  chainOf(correlationId) {
    const of = this.events.filter((e) => e.correlationId === correlationId);
    const changed = of.find((e) => e.topic === 'wgmesh.host-group-changed');
    const keys = of.find((e) => e.topic === 'wgmesh.host-group-keys-generated');
    const rendered = new Set(of.filter((e) => e.topic === 'wgmesh.host-config-rendered').map((e) => e.host));
    const peerTable = of.some((e) => e.topic === 'wgmesh.mesh-peers-rendered');
    const reports = new Map();
    for (const e of of.filter((x) => x.topic === 'wgmesh.deployment-reported')) reports.set(e.host, e);
    const outcomes = [...reports.values()];
    const failed = outcomes.filter((e) => e.outcome === 'FAILED').length;
    const replicas = new Set(outcomes.map((e) => e.replica).filter(Boolean));
    const rejected = of.find((e) => e.topic === 'wgmesh.host-group-rejected');
    const complete = Boolean(changed && keys && rendered.size > 0 && [...rendered].every((h) => reports.has(h)));
    return { changed, keys, rendered, peerTable, reports, failed, replicas, rejected, complete, count: of.length };
  }

  render() {
    this.renderChain();
    const rows = this.visible().slice(-400).reverse();
    if (rows.length === 0) {
      const li = document.createElement('li');
      li.className = 'feed-empty';
      li.textContent = this.events.length === 0
        ? 'Waiting for events. Every record on the wgmesh topics appears here as it happens.'
        : 'No events match the filter.';
      this.list.replaceChildren(li);
      return;
    }
    this.list.replaceChildren(...rows.map((e) => this.row(e)));
  }

  row(e) {
    const li = document.createElement('li');
    li.className = `feed-row${this.correlation && e.correlationId === this.correlation ? ' selected' : ''}`;
    li.dataset.type = e.type;
    li.dataset.topic = e.topic;
    li.dataset.group = e.group;
    li.dataset.host = e.host;
    if (e.correlationId) li.dataset.correlation = e.correlationId;
    li.title = e.correlationId ? `correlationId ${e.correlationId}: click to follow this change` : e.topic;
    const time = document.createElement('span');
    time.className = 'time';
    time.textContent = formatTime(e.time);
    const what = document.createElement('span');
    what.className = 'what';
    const dot = document.createElement('span');
    dot.className = 'type-dot';
    dot.style.background = e.colour;
    what.append(dot, e.type);
    const right = document.createElement('span');
    if (e.outcome) {
      right.className = `badge ${e.outcome === 'APPLIED' ? 'ok' : e.outcome === 'FAILED' ? 'bad' : 'info'}`;
      right.textContent = e.outcome;
    }
    const where = document.createElement('span');
    where.className = 'where';
    const parts = [e.group, e.host, e.revision != null ? `rev ${e.revision}` : null, e.cause, e.replica, e.reason].filter(Boolean);
    where.textContent = parts.join(' · ');
    where.title = parts.join(' · ');
    li.append(time, what, right, where);
    li.addEventListener('click', () => { if (e.correlationId) this.follow(e.correlationId); });
    return li;
  }

  renderChain() {
    if (!this.correlation && !this.wanted) {
      this.chain.hidden = true;
      return;
    }
    this.chain.hidden = false;
    if (!this.correlation) {
      this.chain.dataset.complete = 'false';
      this.chain.innerHTML = html`<div class="chain-head"><strong>Waiting for revision ${this.wanted.revision} of ${this.wanted.group}…</strong></div>`;
      return;
    }
    const c = this.chainOf(this.correlation);
    this.chain.dataset.complete = String(c.complete);
    this.chain.dataset.correlation = this.correlation;
    this.chain.dataset.cause = c.changed?.cause || '';
    this.chain.dataset.revision = c.changed?.revision ?? '';
    const step = (done, label, detail, fail) => html`<li class="${fail ? 'fail' : done ? 'done' : ''}" data-step="${label}">
      <span class="mark">${fail ? '!' : done ? '✓' : ''}</span><span>${label}</span><span class="detail">${detail}</span></li>`;
    const reported = c.reports.size;
    const cause = c.changed ? `${c.changed.cause || ''} · rev ${c.changed.revision}` : '';
    this.chain.innerHTML = html`
      <div class="chain-head">
        <strong>Following change <code>${String(this.correlation).slice(0, 8)}</code></strong>
        <button type="button" class="btn btn-ghost btn-small" data-unfollow>Stop following</button>
      </div>
      <ol class="chain-steps">
        ${step(c.changed, 'HostGroupChanged', cause)}
        ${c.rejected ? step(false, 'HostGroupChangeRejected', c.rejected.reason || '', true) : ''}
        ${step(c.keys, 'HostGroupKeysGenerated', c.keys ? 'keygen-service' : '')}
        ${step(c.rendered.size > 0, 'HostConfigRendered', c.rendered.size ? `${c.rendered.size} host${c.rendered.size === 1 ? '' : 's'}${c.peerTable ? ' and the peer table' : ''}` : '')}
        ${step(c.complete && c.failed === 0, 'DeploymentReported',
          reported ? `${reported}/${c.rendered.size} hosts${c.failed ? `, ${c.failed} failed` : ''} · ${[...c.replicas].join(', ')}` : '', c.failed > 0)}
      </ol>`;
    this.chain.querySelector('[data-unfollow]').addEventListener('click', () => { this.correlation = null; this.wanted = null; this.render(); });
  }
}

function formatTime(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString([], { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0').slice(0, 1);
}
