// The group editor: a form for the settings and hosts, and a JSON view of the same group. The JSON
// view takes a group body, a list of hosts, or Hoster Command Center host records (hostname + wg) as
// they are; the API reads those itself. Problems from the API are shown next to the field they name.
import { api, ApiError } from './api.js';
import { html } from './html.js';

const HOST_FIELDS = [
  { key: 'name', label: 'Name', placeholder: 'hoster-node-01' },
  { key: 'endpoint', label: 'Endpoint', placeholder: '192.0.2.11:51821' },
  { key: 'internalNetworks', label: 'Internal networks', placeholder: '10.10.101.0/24, …' },
  { key: 'tunnelSegment', label: 'Tunnel segment', placeholder: '198.19.1.10/24', hoster: true },
  { key: 'interfaceSuffix', label: 'Interface suffix', placeholder: 'node-01', hoster: true },
];

// What the form edits, and what the group view carries beside the spec; every other field of a group
// (driftPolicy, keyRotation, ...) is kept as it is, so saving the form never drops a setting it does not show.
const FORM_FIELDS = new Set(['name', 'revision', 'changedBy', 'revoked', 'topology', 'tunnelNetwork', 'mtu',
  'persistentKeepalive', 'presharedKeys', 'allowBroadRoutes', 'hosts']);

/** A Hoster Command Center host record in wgmesh's own form; other fields (api_address, auth_*) are dropped. */
export function fromHoster(record) {
  if (!record || typeof record !== 'object') return record;
  const host = {
    name: record.name ?? record.hostname ?? '',
    endpoint: record.endpoint ?? '',
    internalNetworks: record.internalNetworks ?? [],
    tunnelSegment: record.tunnelSegment ?? '',
    interfaceSuffix: record.interfaceSuffix ?? '',
    os: record.os ?? 'linux',
  };
  const wg = record.wg;
  if (wg && typeof wg === 'object') {
    if (wg.endpoint_address) {
      const address = String(wg.endpoint_address).includes(':') ? `[${wg.endpoint_address}]` : wg.endpoint_address;
      host.endpoint = wg.endpoint_port ? `${address}:${wg.endpoint_port}` : address;
    }
    if (wg.net_segment) host.tunnelSegment = wg.net_mask != null ? `${wg.net_segment}/${wg.net_mask}` : wg.net_segment;
    if (Array.isArray(wg.allowed_subnets)) host.internalNetworks = wg.allowed_subnets;
    if (wg.interface_suffix) host.interfaceSuffix = wg.interface_suffix;
  }
  return host;
}

/** What the JSON view holds as a group body: a list or single host record becomes the hosts. */
export function asGroupBody(parsed, settings) {
  if (Array.isArray(parsed)) return { ...settings, hosts: parsed };
  if (parsed && typeof parsed === 'object' && !('hosts' in parsed) && ('hostname' in parsed || 'wg' in parsed)) {
    return { ...settings, hosts: [parsed] };
  }
  return parsed;
}

/** A problem's field path in the form's terms: hosts[2].wg.endpoint_port -> hosts[2].endpoint. */
export function formPath(field) {
  if (!field) return '$';
  return field
    .replace(/\.wg\.(endpoint_address|endpoint_port)$/, '.endpoint')
    .replace(/\.wg\.(net_segment|net_mask)$/, '.tunnelSegment')
    .replace(/\.wg\.allowed_subnets(\[\d+\])?$/, '.internalNetworks')
    .replace(/\.wg\.interface_suffix$/, '.interfaceSuffix')
    .replace(/\.hostname$/, '.name')
    .replace(/\.internalNetworks\[\d+\]$/, '.internalNetworks');
}

export class Editor {
  /** existing: {view, etag} of the group being edited, or null to create one */
  constructor(root, existing, { onSaved, onCancel }) {
    this.root = root;
    this.existing = existing;
    this.onSaved = onSaved;
    this.onCancel = onCancel;
    this.tab = 'form';
    const view = existing ? existing.view : {
      topology: 'hoster', presharedKeys: true,
      hosts: [blankHost(1), blankHost(2), blankHost(3)],
    };
    this.render(view);
  }

  render(view) {
    const creating = !this.existing;
    this.kept = Object.fromEntries(Object.entries(view).filter(([key, value]) => !FORM_FIELDS.has(key) && value != null));
    this.planned = null;
    this.root.innerHTML = html`
      <div class="page-head">
        <h1>${creating ? 'New host group' : `Edit ${view.name}`}</h1>
        ${creating ? '' : html`<span class="facts"><span class="badge">rev ${view.revision}</span></span>`}
      </div>
      <div id="editor-errors" class="error-summary" hidden></div>
      <section class="card editor">
        <div class="card-head">
          <div class="tabs" role="tablist">
            <button class="tab" role="tab" type="button" data-tab="form" aria-selected="true">Form</button>
            <button class="tab" role="tab" type="button" data-tab="json" aria-selected="false">JSON</button>
          </div>
        </div>
        <div class="card-body" data-pane="form">
          <div class="form-grid">
            <div class="field"><label for="group-name">Group name</label>
              <input id="group-name" data-path="name" value="${view.name || ''}" ${creating ? '' : html`readonly`}
                     placeholder="lab-1" pattern="[a-z0-9][a-z0-9-]{0,62}" autocomplete="off"></div>
            <div class="field"><label for="topology">Topology</label>
              <select id="topology" data-path="topology">
                <option value="hoster">hoster (the seed's layout)</option>
                <option value="mesh">mesh (one interface per host)</option>
              </select></div>
            <div class="field" data-mesh-only><label for="tunnel-network">Tunnel network</label>
              <input id="tunnel-network" data-path="tunnelNetwork" placeholder="10.99.0.0/16" value="${view.tunnelNetwork || ''}"></div>
            <div class="field"><label for="mtu">MTU</label>
              <input id="mtu" data-path="mtu" type="number" min="1280" max="9000" placeholder="default" value="${view.mtu ?? ''}"></div>
            <div class="field"><label for="keepalive">Persistent keepalive (s)</label>
              <input id="keepalive" data-path="persistentKeepalive" type="number" min="0" max="65535" placeholder="off" value="${view.persistentKeepalive ?? ''}"></div>
            <label class="field checkbox"><input id="psk" data-path="presharedKeys" type="checkbox" ${view.presharedKeys === false ? '' : html`checked`}> Preshared key per pair</label>
            <label class="field checkbox"><input id="broad-routes" data-path="allowBroadRoutes" type="checkbox" ${view.allowBroadRoutes === true ? html`checked` : ''}> Allow broad routes (shorter than /8 or /32, or over another host's endpoint)</label>
          </div>
          <h3 class="hosts-head">Hosts</h3>
          <table class="hosts-table">
            <thead><tr><th></th>${HOST_FIELDS.map((f) => html`<th ${f.hoster ? html`data-hoster-only` : ''}>${f.label}</th>`)}<th>OS</th><th></th></tr></thead>
            <tbody id="host-rows"></tbody>
          </table>
          <div class="add-host"><button id="add-host" class="btn btn-small" type="button">Add host</button></div>
        </div>
        <div class="card-body" data-pane="json" hidden>
          <p class="hint">The same group as JSON, as <code>PUT /api/v1/groups/{name}</code> takes it. Paste Hoster Command Center
            host records here as they are (a list of them, or one): <code>hostname</code> and the <code>wg</code> object are read,
            other fields such as <code>auth_password</code> are ignored and never stored.</p>
          <textarea id="group-json" class="json-editor" spellcheck="false" aria-label="Group as JSON"></textarea>
          <div class="field-error" data-path-error="$"></div>
        </div>
        <div id="plan" class="plan" hidden></div>
        <div class="editor-actions">
          <button class="btn" type="button" data-cancel>Cancel</button>
          <button id="save-group" class="btn btn-primary" type="submit">${creating ? 'Create group' : 'Save changes'}</button>
        </div>
      </section>`;
    this.root.querySelector('#topology').value = view.topology || 'hoster';
    this.rows = this.root.querySelector('#host-rows');
    (view.hosts || []).forEach((h) => this.addRow(fromHoster(h)));
    this.root.querySelector('#add-host').addEventListener('click', () => this.addRow(blankHost(this.rows.children.length + 1)));
    this.root.querySelector('#topology').addEventListener('change', () => this.topologyChanged());
    this.root.querySelectorAll('[data-tab]').forEach((b) => b.addEventListener('click', () => this.switchTab(b.dataset.tab)));
    this.root.querySelector('[data-cancel]').addEventListener('click', () => this.onCancel());
    this.root.querySelector('#save-group').addEventListener('click', () => this.save());
    // an edit after the plan was shown makes it stale: the next save plans again
    this.root.querySelector('.editor').addEventListener('input', () => this.showPlan(null));
    this.topologyChanged();
  }

  addRow(host) {
    const tr = document.createElement('tr');
    const cells = HOST_FIELDS.map((f) => {
      const value = f.key === 'internalNetworks' ? (host.internalNetworks || []).join(', ') : (host[f.key] ?? '');
      return html`<td ${f.hoster ? html`data-hoster-only` : ''}><input data-key="${f.key}" value="${value}" placeholder="${f.placeholder}" aria-label="${f.label}"><div class="field-error"></div></td>`;
    });
    tr.innerHTML = html`<td class="num"></td>${cells}
      <td><select data-key="os" aria-label="OS"><option value="linux">linux</option><option value="freebsd">freebsd</option></select><div class="field-error"></div></td>
      <td><button class="btn btn-ghost btn-small" type="button" title="Remove this host" aria-label="Remove host">✕</button></td>`;
    tr.querySelector('[data-key="os"]').value = host.os || 'linux';
    tr.querySelector('button').addEventListener('click', () => { tr.remove(); this.renumber(); });
    this.rows.appendChild(tr);
    this.renumber();
    this.topologyChanged();
  }

  renumber() {
    [...this.rows.children].forEach((tr, i) => {
      tr.dataset.index = i;
      tr.querySelector('.num').textContent = i + 1;
      tr.querySelectorAll('[data-key]').forEach((input) => { input.dataset.path = `hosts[${i}].${input.dataset.key}`; });
    });
  }

  topologyChanged() {
    const mesh = this.root.querySelector('#topology').value === 'mesh';
    this.root.querySelectorAll('[data-mesh-only]').forEach((e) => { e.hidden = !mesh; });
    this.root.querySelectorAll('[data-hoster-only]').forEach((e) => { e.hidden = mesh; });
  }

  settings() {
    const value = (id) => this.root.querySelector(id).value.trim();
    const body = { ...this.kept, topology: value('#topology') };
    if (body.topology === 'mesh' && value('#tunnel-network')) body.tunnelNetwork = value('#tunnel-network');
    if (value('#mtu')) body.mtu = Number(value('#mtu'));
    if (value('#keepalive')) body.persistentKeepalive = Number(value('#keepalive'));
    body.presharedKeys = this.root.querySelector('#psk').checked;
    body.allowBroadRoutes = this.root.querySelector('#broad-routes').checked;
    return body;
  }

  /** The form as a PUT body. */
  formBody() {
    const body = this.settings();
    const mesh = body.topology === 'mesh';
    body.hosts = [...this.rows.children].map((tr) => {
      const get = (key) => tr.querySelector(`[data-key="${key}"]`).value.trim();
      const host = { name: get('name'), endpoint: get('endpoint') };
      host.internalNetworks = get('internalNetworks') ? get('internalNetworks').split(/[\s,]+/).filter(Boolean) : [];
      if (!mesh && get('tunnelSegment')) host.tunnelSegment = get('tunnelSegment');
      if (!mesh && get('interfaceSuffix')) host.interfaceSuffix = get('interfaceSuffix');
      host.os = get('os');
      return host;
    });
    return body;
  }

  switchTab(tab) {
    if (tab === this.tab) return;
    if (tab === 'json') {
      this.root.querySelector('#group-json').value = JSON.stringify(this.formBody(), null, 2);
    } else {
      let parsed;
      try {
        parsed = asGroupBody(JSON.parse(this.root.querySelector('#group-json').value), this.settings());
      } catch (e) {
        this.showProblems([{ field: '$', message: `not JSON: ${e.message}` }]);
        return;
      }
      const view = { ...parsed, name: this.root.querySelector('#group-name').value, revision: this.existing?.view.revision };
      this.render({ ...view, hosts: Array.isArray(parsed.hosts) ? parsed.hosts : [] });
    }
    this.tab = tab;
    this.root.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === tab)));
    this.root.querySelectorAll('[data-pane]').forEach((p) => { p.hidden = p.dataset.pane !== tab; });
  }

  async save() {
    const name = this.root.querySelector('#group-name').value.trim();
    let body;
    if (this.tab === 'json') {
      try {
        body = asGroupBody(JSON.parse(this.root.querySelector('#group-json').value), this.settings());
      } catch (e) {
        this.showProblems([{ field: '$', message: `not JSON: ${e.message}` }]);
        return;
      }
    } else {
      body = this.formBody();
    }
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) {
      this.showProblems([{ field: 'name', value: JSON.stringify(name), message: 'a group name is 1 to 63 of a-z, 0-9 and -, starting with a letter or digit' }]);
      return;
    }
    const button = this.root.querySelector('#save-group');
    button.disabled = true;
    try {
      const revision = this.existing?.view.revision;
      // an existing group's change is shown as a plan first; it is applied from the plan's own button
      if (this.existing) {
        this.showProblems([]);
        this.showPlan(await api.plan(name, body, revision), name, body);
        return;
      }
      const result = await api.put(name, body, revision);
      this.showProblems([]);
      this.onSaved(name, result.json);
    } catch (e) {
      if (e instanceof ApiError) {
        this.showProblems(e.errors.length ? e.errors : [{ field: '$', message: e.message }], e);
      } else {
        this.showProblems([{ field: '$', message: `the request failed: ${e.message}` }]);
      }
    } finally {
      button.disabled = false;
    }
  }

  /** What saving would do, with the buttons to apply it (forced when it removes too much) or go on editing. */
  showPlan(plan, name, body) {
    const panel = this.root.querySelector('#plan');
    this.planned = plan ? { name, body, force: plan.blastRadius.exceeded } : null;
    this.root.querySelector('#save-group').hidden = Boolean(plan);
    if (!plan) {
      panel.hidden = true;
      panel.innerHTML = '';
      return;
    }
    const names = (list) => list.join(', ');
    const changed = plan.hostsChanged.map((c) => `${c.host} (${[
      ...c.interfacesAdded.map((i) => `+${i}`), ...c.interfacesRemoved.map((i) => `−${i}`), ...c.interfacesChanged].join(', ')})`);
    const lines = [
      plan.hostsAdded.length ? html`<li>adds ${plan.hostsAdded.length} host(s): ${names(plan.hostsAdded)}</li>` : '',
      plan.hostsRemoved.length ? html`<li>removes ${plan.hostsRemoved.length} host(s): ${names(plan.hostsRemoved)}</li>` : '',
      changed.length ? html`<li>changes ${changed.length} host(s): ${names(changed)}</li>` : '',
      html`<li>tunnels: ${plan.links.before} → ${plan.links.after} (+${plan.links.added}, −${plan.links.removed})</li>`,
      plan.keysRotated.length ? html`<li>new key pairs for ${names(plan.keysRotated)}</li>` : '',
      plan.waves ? html`<li id="plan-waves">rolls out in ${plan.waves.length} waves, each gated on its tunnels:
        ${plan.waves.map((wave) => `[${names(wave)}]`).join(' → ')}</li>` : '',
    ];
    const radius = plan.blastRadius;
    panel.innerHTML = html`
      <strong>Saving makes revision ${plan.revision}; it</strong>
      <ul id="plan-lines">${lines}</ul>
      ${radius.exceeded ? html`<p id="plan-warning" class="plan-warning">This removes ${radius.hostsRemoved} of ${radius.hostsBefore} hosts
        and ${radius.linksRemoved} of ${radius.linksBefore} tunnels, more than 30% of the group: check the list before you apply it.</p>` : ''}
      <div class="plan-actions">
        <button class="btn" type="button" data-plan-back>Back to editing</button>
        <button id="apply-plan" class="btn ${radius.exceeded ? 'btn-danger' : 'btn-primary'}" type="button">${radius.exceeded ? 'Apply anyway' : 'Apply'}</button>
      </div>`;
    panel.hidden = false;
    panel.querySelector('[data-plan-back]').addEventListener('click', () => this.showPlan(null));
    panel.querySelector('#apply-plan').addEventListener('click', () => this.apply());
    panel.scrollIntoView({ block: 'nearest' });
  }

  /** PUTs the planned body, with If-Match of the revision the editor opened, so nothing newer is overwritten. */
  async apply() {
    const { name, body, force } = this.planned;
    const button = this.root.querySelector('#apply-plan');
    button.disabled = true;
    try {
      const result = await api.put(name, body, this.existing.view.revision, force);
      this.onSaved(name, result.json);
    } catch (e) {
      this.showPlan(null);
      this.showProblems(e instanceof ApiError ? (e.errors.length ? e.errors : [{ field: '$', message: e.message }])
        : [{ field: '$', message: `the request failed: ${e.message}` }], e);
    }
  }

  /** Every problem in the summary, and each next to the field it names where the form has that field. */
  showProblems(problems, error) {
    this.root.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    this.root.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
    const summary = this.root.querySelector('#editor-errors');
    if (problems.length === 0) {
      summary.hidden = true;
      return;
    }
    const title = error?.status === 412 ? 'The group changed since you opened it; reload it and apply your edit again.'
      : `The group was not saved: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`;
    summary.hidden = false;
    summary.innerHTML = html`<strong>${title}</strong><ul>${problems.map((p) =>
      html`<li><code>${p.field || '$'}</code> ${p.message}${p.value != null ? html` (given: <code>${p.value}</code>)` : ''}</li>`)}</ul>`;
    for (const p of problems) {
      const path = formPath(p.field);
      let input = this.root.querySelector(`[data-path="${cssEscape(path)}"]`);
      if (!input) {
        const row = /^hosts\[(\d+)\]/.exec(path);
        if (row) input = this.rows.children[Number(row[1])]?.querySelector('[data-key="name"]');
      }
      const slot = input ? input.parentElement.querySelector('.field-error') || after(input) : this.root.querySelector('[data-path-error="$"]');
      if (input) input.classList.add('invalid');
      if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${p.message}` : p.message;
    }
    summary.scrollIntoView({ block: 'nearest' });
  }
}

function after(input) {
  const div = document.createElement('div');
  div.className = 'field-error';
  input.insertAdjacentElement('afterend', div);
  return div;
}

function cssEscape(text) {
  return window.CSS && CSS.escape ? CSS.escape(text) : text.replace(/["\\\]\[]/g, '\\$&');
}

function blankHost(k) {
  return { name: '', endpoint: '', internalNetworks: [], tunnelSegment: '', interfaceSuffix: '', os: 'linux', k };
}
