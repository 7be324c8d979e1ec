// The mesh picture, after the seed's wireguard_mesh_4.png / _6.png: hosts as boxes, one line per
// tunnel; for the hoster topology each host lists its interfaces as "WG k" chips in the colour of
// network k's owner (host k), and each tunnel is drawn in its network's colour.
const SVG = 'http://www.w3.org/2000/svg';
export const COMPACT_ABOVE = 30;

// the seed's pastel fills and a darker stroke of the same hue
const PALETTE = [
  ['#fde68a', '#d29f0c'], ['#bae6fd', '#2b7bd6'], ['#bbf7d0', '#2f9e58'], ['#ddd6fe', '#6d4fd8'],
  ['#fbcfe8', '#d6457f'], ['#a5f3fc', '#1597ab'], ['#fed7aa', '#dd7417'], ['#e9d5ff', '#9a4fd6'],
  ['#d9f99d', '#5f9410'], ['#fecaca', '#d64545'],
];

export function hostColour(index) {
  if (index < PALETTE.length) {
    return { fill: PALETTE[index][0], stroke: PALETTE[index][1] };
  }
  const hue = Math.round((index * 137.508) % 360);
  return { fill: `hsl(${hue} 85% 86%)`, stroke: `hsl(${hue} 60% 40%)` };
}

const STATE_STYLE = {
  applied: { fill: '#e3f6e9', text: '#16803c', border: '#2a3342' },
  pending: { fill: '#fff3dc', text: '#b76e00', border: '#b76e00' },
  failed: { fill: '#fde8e8', text: '#c62828', border: '#c62828' },
};

// a tunnel's state as the deployers observed it (GET .../health): UP green, STALE and NEVER amber, DOWN red
export const LINK_COLOUR = { up: '#16a34a', stale: '#d97706', never: '#d97706', down: '#dc2626', unknown: '#94a3b8' };
const LINK_ORDER = ['down', 'stale', 'never', 'up', 'unknown'];

/** health -> Map "from>to" -> 'up'|'stale'|'never'|'down'|'unknown', as host "from" sees its link to "to". */
export function linkStates(health) {
  const links = new Map();
  for (const host of health?.hosts || []) {
    for (const link of host.links || []) links.set(`${host.host}>${link.peer}`, String(link.state).toLowerCase());
  }
  return links;
}

/** A tunnel seen from both ends: the worse of the two (a dead end makes a dead tunnel); 'unknown' when neither says. */
export function tunnelState(links, a, b) {
  const seen = [links.get(`${a}>${b}`), links.get(`${b}>${a}`)].filter((s) => LINK_COLOUR[s]);
  return LINK_ORDER.find((s) => seen.includes(s)) || 'unknown';
}

/** Whether any tunnel's state is known: the file target cannot see tunnels, so its groups keep their colours. */
function anyKnown(links) {
  return [...links.values()].some((s) => s !== 'unknown');
}

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  if (parent) parent.appendChild(node);
  return node;
}

/** The interfaces of host i (0-based) of n in the hoster topology: the owners' indexes, in order. */
export function hosterNetworks(i, n) {
  const owners = [];
  for (let owner = 0; owner < i; owner++) owners.push(owner);
  if (i < n - 1) owners.push(i);
  return owners;
}

function shorten(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Draws the group into an <svg>. hosts: [{name}], states: Map name -> 'applied'|'pending'|'failed'.
 * onHost(name) is called when a host box is clicked.
 */
export function drawMesh(group, states, onHost, links = new Map()) {
  const byState = anyKnown(links);
  const hosts = group.hosts;
  const n = hosts.length;
  const hoster = group.topology !== 'mesh';
  const wideChips = n <= 10;
  const boxW = wideChips ? 168 : 220;
  const chipW = wideChips ? 40 : 16;
  const chipH = wideChips ? 17 : 15;
  const chipGap = wideChips ? 4 : 3;
  const perRow = Math.floor((boxW - 16 + chipGap) / (chipW + chipGap));
  const chipRows = hoster ? Math.max(1, Math.ceil((n - 1) / perRow)) : 1;
  const boxH = 48 + chipRows * (chipH + chipGap);

  // hosts on an ellipse, starting top left and going clockwise
  const rx = n <= 2 ? 170 : Math.max(250, n * (wideChips ? 34 : 40));
  const ry = n <= 2 ? 0 : Math.max(150, n * (wideChips ? 21 : 25));
  const start = -Math.PI / 2 - Math.PI / Math.max(n, 1);
  const pos = hosts.map((_, i) => (n === 1 ? { x: 0, y: 0 } : {
    x: rx * Math.cos(start + (2 * Math.PI * i) / n),
    y: ry * Math.sin(start + (2 * Math.PI * i) / n),
  }));
  const pad = 24;
  const minX = Math.min(...pos.map((p) => p.x)) - boxW / 2 - pad;
  const maxX = Math.max(...pos.map((p) => p.x)) + boxW / 2 + pad;
  const minY = Math.min(...pos.map((p) => p.y)) - boxH / 2 - pad;
  const maxY = Math.max(...pos.map((p) => p.y)) + boxH / 2 + pad;
  const width = maxX - minX;
  const height = maxY - minY;

  const svg = el('svg', {
    xmlns: SVG, viewBox: `${minX} ${minY} ${width} ${height}`, width, height, role: 'img',
    'aria-label': `${group.name}: ${n} hosts, ${hoster ? 'hoster' : 'mesh'} topology`, 'data-width': width,
  });
  svg.dataset.naturalWidth = width;
  svg.dataset.naturalHeight = height;
  const defs = el('defs', {}, svg);
  const owners = hoster ? hosts.length - 1 : 0;
  for (let k = 0; k < owners; k++) {
    const marker = el('marker', {
      id: `arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
    }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: hostColour(k).stroke }, marker);
  }

  // tunnels first, so the boxes cover the line ends
  const lines = el('g', { class: 'tunnels', fill: 'none' }, svg);
  const lineWidth = n <= 10 ? 1.8 : 1.1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const [a, b] = edgePoints(pos[i], pos[j], boxW / 2 + 3, boxH / 2 + 3);
      // a slight bend, as in the seed's drawing, so lines through the middle do not coincide
      const mx = (a.x + b.x) / 2 - (b.y - a.y) * 0.06;
      const my = (a.y + b.y) / 2 + (b.x - a.x) * 0.06;
      const link = tunnelState(links, hosts[i].name, hosts[j].name);
      const path = el('path', {
        d: `M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${mx.toFixed(1)},${my.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`,
        stroke: byState ? LINK_COLOUR[link] : hoster ? hostColour(i).stroke : '#7b8798',
        'stroke-width': lineWidth,
        'stroke-opacity': n <= 10 ? 0.9 : 0.55,
        'marker-end': hoster ? `url(#arrow-${i})` : null,
        class: 'tunnel',
        'data-from': hosts[i].name,
        'data-to': hosts[j].name,
        'data-link': link,
      }, lines);
      const title = el('title', {}, path);
      title.textContent = `${hoster
        ? `WG ${i + 1}: ${hosts[i].name} → ${hosts[j].name}`
        : `${hosts[i].name} ↔ ${hosts[j].name}`}: ${link}`;
    }
  }

  const boxes = el('g', { class: 'hosts' }, svg);
  hosts.forEach((host, i) => {
    const state = states.get(host.name) || 'pending';
    const style = STATE_STYLE[state] || STATE_STYLE.pending;
    const colour = hostColour(i);
    const x = pos[i].x - boxW / 2;
    const y = pos[i].y - boxH / 2;
    const g = el('g', { class: 'host', 'data-host': host.name, 'data-state': state, tabindex: 0, role: 'button' }, boxes);
    const title = el('title', {}, g);
    title.textContent = `${host.name} (${host.endpoint || ''}): ${state}`;
    el('rect', {
      class: 'box', x, y, width: boxW, height: boxH, rx: 12, fill: colour.fill,
      stroke: style.border, 'stroke-width': state === 'applied' ? 1.6 : 2.4,
    }, g);
    const name = el('text', { class: 'host-name', x: x + 10, y: y + 21 }, g);
    name.textContent = shorten(host.name, 19);
    // rollout state pill on the top border, right, as a badge
    const pillW = 62;
    el('rect', { x: x + boxW - pillW - 10, y: y - 8, width: pillW, height: 16, rx: 8, fill: style.fill, stroke: style.text, 'stroke-width': 1 }, g);
    const pill = el('text', { class: 'pill-text', x: x + boxW - pillW / 2 - 10, y: y + 3.6, 'text-anchor': 'middle', fill: style.text }, g);
    pill.textContent = state.toUpperCase();
    const sub = el('text', { x: x + 10, y: y + 37, 'font-size': 11, fill: '#4a5566', class: 'host-endpoint' }, g);
    sub.textContent = shorten(host.endpoint || '', 24);
    // interfaces
    const chipsY = y + 48;
    const networks = hoster ? hosterNetworks(i, n) : [null];
    networks.forEach((owner, c) => {
      const cx = x + 8 + (c % perRow) * (chipW + chipGap);
      const cy = chipsY + Math.floor(c / perRow) * (chipH + chipGap);
      const chipColour = owner === null ? { fill: '#ffffff', stroke: '#7b8798' } : hostColour(owner);
      const chip = el('g', { class: 'chip', 'data-network': owner === null ? 'wg0' : `WG ${owner + 1}` }, g);
      el('rect', { x: cx, y: cy, width: owner === null ? 40 : chipW, height: chipH, rx: 4, fill: chipColour.fill, stroke: chipColour.stroke, 'stroke-width': 1.2 }, chip);
      const label = el('text', { class: 'chip-text', x: cx + (owner === null ? 40 : chipW) / 2, y: cy + chipH - 4.5,
        'text-anchor': 'middle', 'font-size': wideChips ? null : 9 }, chip);
      label.textContent = owner === null ? 'wg0' : (wideChips ? `WG ${owner + 1}` : `${owner + 1}`);
      const chipTitle = el('title', {}, chip);
      chipTitle.textContent = owner === null ? 'wg0: one interface, every other host a peer'
        : `WG ${owner + 1}: the network of ${hosts[owner].name}${owner === i ? ' (its own)' : ''}`;
    });
    // pointing at a host brings its own tunnels forward: the picture stays readable with many hosts
    g.addEventListener('mouseenter', () => highlight(svg, host.name));
    g.addEventListener('mouseleave', () => highlight(svg, null));
    g.addEventListener('click', () => onHost(host.name));
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter') onHost(host.name); });
  });
  return svg;
}

function highlight(svg, host) {
  svg.classList.toggle('focus', host !== null);
  for (const path of svg.querySelectorAll('path.tunnel')) {
    path.classList.toggle('hl', host !== null && (path.dataset.from === host || path.dataset.to === host));
  }
}

/** The points where the line between two box centres leaves each box. */
function edgePoints(p, q, hw, hh) {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  return [{ x: p.x + dx * t, y: p.y + dy * t }, { x: q.x - dx * t, y: q.y - dy * t }];
}

/**
 * More than COMPACT_ABOVE hosts: one tile per host, coloured by its rollout state, and the tunnels' health
 * as a matrix (row: the host that sees the link, column: its peer), one pixel block per link on a canvas,
 * so 2,000 hosts stay one element.
 */
export function drawCompact(group, states, onHost, links = new Map()) {
  const box = document.createElement('div');
  box.append(drawTiles(group, states, onHost), drawMatrix(group, links));
  return box;
}

function drawMatrix(group, links) {
  const names = group.hosts.map((h) => h.name);
  const n = names.length;
  const cell = Math.max(1, Math.min(12, Math.floor(720 / n)));
  const canvas = document.createElement('canvas');
  canvas.id = 'link-matrix';
  canvas.className = 'link-matrix';
  canvas.width = n * cell;
  canvas.height = n * cell;
  const counts = { up: 0, stale: 0, never: 0, down: 0, unknown: 0 };
  const paint = canvas.getContext('2d');
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const link = links.get(`${names[i]}>${names[j]}`) || 'unknown';
      const state = LINK_COLOUR[link] ? link : 'unknown';
      counts[state]++;
      paint.fillStyle = LINK_COLOUR[state];
      paint.fillRect(j * cell, i * cell, Math.max(1, cell - (cell > 3 ? 1 : 0)), Math.max(1, cell - (cell > 3 ? 1 : 0)));
    }
  }
  Object.entries(counts).forEach(([state, count]) => { canvas.dataset[state] = count; });
  canvas.title = 'Tunnel health: row = the host that sees the link, column = its peer';
  canvas.addEventListener('mousemove', (e) => {
    const i = Math.floor(e.offsetY / cell);
    const j = Math.floor(e.offsetX / cell);
    if (i >= 0 && j >= 0 && i < n && j < n && i !== j) {
      canvas.title = `${names[i]} → ${names[j]}: ${links.get(`${names[i]}>${names[j]}`) || 'unknown'}`;
    }
  });
  const wrap = document.createElement('div');
  wrap.className = 'matrix-wrap';
  const caption = document.createElement('p');
  caption.className = 'hint';
  caption.id = 'link-matrix-counts';
  caption.textContent = `Tunnel health (row sees column): ${counts.up} up, ${counts.stale + counts.never} stale or never, `
    + `${counts.down} down, ${counts.unknown} unknown`;
  wrap.append(caption, canvas);
  return wrap;
}

function drawTiles(group, states, onHost) {
  const grid = document.createElement('div');
  grid.className = 'compact-grid';
  for (const host of group.hosts) {
    const state = states.get(host.name) || 'pending';
    const tile = document.createElement('button');
    tile.type = 'button';
    tile.className = `tile ${state}`;
    tile.title = `${host.name}: ${state}`;
    tile.dataset.host = host.name;
    tile.dataset.state = state;
    tile.addEventListener('click', () => onHost(host.name));
    grid.appendChild(tile);
  }
  return grid;
}
