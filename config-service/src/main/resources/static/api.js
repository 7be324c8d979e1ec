// config-service's REST API; every error comes back as a problem document with errors[].
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

// With an API token configured on the server, changes and the live feed need it (GET stays open).
const TOKEN_KEY = 'wgmesh-api-token';

export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Asks for the token once a call was refused; false when the user gave none. */
export function askToken(message) {
  const token = prompt(message || 'This wgmesh needs its API token (WGMESH_API_TOKEN) for changes and the live feed:');
  if (!token) return false;
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return true;
}

async function call(method, path, options = {}) {
  const response = await send(method, path, options);
  if (response.status === 401 && askToken()) {
    return send(method, path, options).then(read);
  }
  return read(response);
}

function send(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...authHeaders(), ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return fetch(path, init);
}

async function read(response) {
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = { detail: text }; }
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return { json, etag: response.headers.get('ETag'), status: response.status };
}

const g = (name) => `/api/v1/groups/${encodeURIComponent(name)}`;

export const api = {
  groups: () => call('GET', '/api/v1/groups').then((r) => r.json),
  group: (name) => call('GET', g(name)),
  status: (name) => call('GET', `${g(name)}/status`).then((r) => r.json),
  health: (name) => call('GET', `${g(name)}/health`).then((r) => r.json),
  host: (name, host) => call('GET', `${g(name)}/hosts/${encodeURIComponent(host)}`).then((r) => r.json),
  put: (name, body, revision, force) => call('PUT', force ? `${g(name)}?force=true` : g(name), {
    body, headers: revision ? { 'If-Match': `"${revision}"` } : {},
  }),
  plan: (name, body, revision) => call('POST', `${g(name)}/plan`, {
    body, headers: revision ? { 'If-Match': `"${revision}"` } : {},
  }).then((r) => r.json),
  remove: (name) => call('DELETE', g(name)),
  rotateGroup: (name) => call('POST', `${g(name)}/rotate-keys`).then((r) => r.json),
  rotateHost: (name, host) => call('POST', `${g(name)}/hosts/${encodeURIComponent(host)}/rotate-keys`).then((r) => r.json),
  rotatePresharedKeys: (name) => call('POST', `${g(name)}/rotate-preshared-keys`).then((r) => r.json),
  revoke: (name, host) => call('POST', `${g(name)}/hosts/${encodeURIComponent(host)}/revoke`).then((r) => r.json),
  resumeRollout: (name) => call('POST', `${g(name)}/rollout/resume`).then((r) => r.json),
  rollbackRollout: (name) => call('POST', `${g(name)}/rollout/rollback`).then((r) => r.json),
};
