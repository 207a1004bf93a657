// The operator dashboard: plain DOM, no framework, data from the admin API (session cookie).
// Every value from the API is set with textContent, never parsed as HTML.
// Polling, not SSE: it works through every proxy and load balancer and costs one small query per table.
// `?refresh=<ms>` (at least 250) changes the period, e.g. for a wall screen or a test.
const REFRESH_MS = Math.max(250, Number(new URLSearchParams(window.location.search).get('refresh')) || 2000);
const $ = (selector) => document.querySelector(selector);

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...options,
    headers: {
      accept: 'application/json',
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
  });
  if (response.status === 401) {
    window.location.assign('/');
    throw new Error('signed out');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false)
      node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

const time = (ms) => (ms ? new Date(ms).toLocaleTimeString() : '');
const answerOf = (d) =>
  d.lastStatus || d.lastAnswer || d.lastError
    ? [d.lastStatus ? `HTTP ${d.lastStatus}` : '', d.lastAnswer || d.lastError || d.deadReason || '']
        .filter(Boolean)
        .join(' · ')
    : '';

function showDetails(delivery) {
  $('#details-title').textContent = `Props of ${delivery.event} for ${delivery.agentid} (${delivery.id})`;
  $('#details-body').textContent = JSON.stringify(delivery.props, null, 2);
  $('#details').hidden = false;
  $('#details').focus();
}

async function refreshStatus() {
  const status = await api('/admin/status');
  const stats = status.outbox.stats;
  const target = status.target.emulator
    ? 'the local OpenConnect emulator'
    : `${status.target.baseUrl} (crmid ${status.target.crmid})`;
  $('#status').textContent =
    `Delivering to ${target} by ${status.target.method} · ${status.outbox.kind} outbox` +
    (stats
      ? ` · ${stats.queued} queued, ${stats.retrying} retrying, ${stats.delivered} delivered, ${stats.dead} dead`
      : '');
  // A store that can lose accepted events (accepted by the operator, or reconfigured since start-up).
  const warnings = status.outbox.warnings ?? [];
  $('#store-warnings').hidden = warnings.length === 0;
  $('#store-warnings').textContent = warnings.join(' ');
  const paused = $('#paused');
  paused.hidden = !status.paused;
  $('#paused-text').textContent = status.paused
    ? `Delivery is paused: ${status.paused}. After a 401, set the current API key (re-generated keys void the old one) and restart the runner; after a pause by an operator, resume.`
    : '';
}

async function refreshDeliveries() {
  const filters = new URLSearchParams({ limit: '50' });
  for (const [name, value] of new FormData($('#filters'))) if (value) filters.set(name, value);
  const { deliveries } = await api(`/admin/deliveries?${filters}`);
  const rows = deliveries.map((d) =>
    el(
      'tr',
      { 'data-id': d.id, 'data-status': d.status },
      el('td', { text: time(d.acceptedAt) }),
      el('td', { text: `${d.connector}/${d.source}` }),
      el('td', { text: String(d.props.nativeEvent ?? '') }),
      el('td', { text: d.lifecycle }),
      el('td', { text: d.agentid }),
      el('td', { text: d.event }),
      el('td', { class: `status status-${d.status}`, text: d.status }),
      el('td', { text: String(d.attempts) }),
      el('td', { class: 'answer', text: answerOf(d) }),
      el(
        'td',
        {},
        el('button', {
          type: 'button',
          class: 'secondary',
          text: 'Show',
          'aria-label': `Show props of ${d.event} for ${d.agentid}`,
          onclick: () => showDetails(d),
        }),
      ),
    ),
  );
  $('#deliveries-table tbody').replaceChildren(...rows);
}

const selectedDead = new Set();
async function refreshDead() {
  const { deadLetters } = await api('/admin/dead-letters?limit=200');
  for (const id of [...selectedDead]) if (!deadLetters.some((d) => d.id === id)) selectedDead.delete(id);
  const rows = deadLetters.map((d) =>
    el(
      'tr',
      { 'data-id': d.id },
      el(
        'td',
        {},
        el('input', {
          type: 'checkbox',
          'aria-label': `Select ${d.event} for ${d.agentid}`,
          checked: selectedDead.has(d.id),
          onchange: (e) => (e.target.checked ? selectedDead.add(d.id) : selectedDead.delete(d.id)),
        }),
      ),
      el('td', { text: time(d.acceptedAt) }),
      el('td', { text: `${d.connector}/${d.source}` }),
      el('td', { text: d.agentid }),
      el('td', { text: d.event }),
      el('td', { text: String(d.attempts) }),
      el('td', { class: 'answer', text: d.deadReason || d.lastError || '' }),
    ),
  );
  $('#dead-table tbody').replaceChildren(...rows);
}

function sparkline(values) {
  const width = 300,
    height = 40,
    max = Math.max(1, ...values);
  const step = width / Math.max(1, values.length - 1);
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 4) - 2).toFixed(1)}`)
    .join(' ');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute(
    'aria-label',
    `Deliveries per minute over the last hour, peak ${max === 1 && !values.some(Boolean) ? 0 : max}`,
  );
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', '#0b5cad');
  line.setAttribute('stroke-width', '2');
  svg.append(line);
  return svg;
}

let knownConnectors = '';
async function refreshConnectors() {
  const [{ connectors }, { activity }] = await Promise.all([
    api('/admin/connectors'),
    api('/admin/activity'),
  ]);
  const ids = connectors.map((c) => c.id).join(',');
  if (ids !== knownConnectors) {
    knownConnectors = ids;
    const select = $('#filter-connector');
    const current = select.value;
    select.replaceChildren(
      el('option', { value: '', text: 'All' }),
      ...connectors.map((c) => el('option', { value: c.id, text: c.displayName })),
      // Test sends from this page are stored under the connector "dashboard".
      el('option', { value: 'dashboard', text: 'Test sends (this page)' }),
    );
    select.value = current;
  }
  const cards = connectors.map((c) => {
    const a = activity[c.id] ?? {
      lastHour: { received: 0, rejected: 0, delivered: 0, dead: 0 },
      deliveredPerMinute: new Array(60).fill(0),
    };
    return el(
      'article',
      { class: 'card', 'data-connector': c.id },
      el('h3', { text: c.displayName }),
      el('p', { class: 'hint', text: c.platforms.join(' · ') }),
      el('p', {}, el('strong', { text: 'Webhook URL: ' }), el('code', { text: c.webhookUrl })),
      el(
        'ul',
        {},
        ...c.sources.map((s) =>
          el(
            'li',
            {},
            el('code', { text: s.webhookUrl }),
            ` — ${s.description} (${s.methods.join('/')}; ${s.auth.scheme}: ${s.auth.summary})`,
          ),
        ),
      ),
      el(
        'dl',
        {},
        el('dt', { text: 'received' }),
        el('dt', { text: 'rejected' }),
        el('dt', { text: 'delivered' }),
        el('dt', { text: 'dead' }),
        el('dd', { 'data-count': 'received', text: String(a.lastHour.received) }),
        el('dd', { 'data-count': 'rejected', text: String(a.lastHour.rejected) }),
        el('dd', { 'data-count': 'delivered', text: String(a.lastHour.delivered) }),
        el('dd', { 'data-count': 'dead', text: String(a.lastHour.dead) }),
      ),
      sparkline(a.deliveredPerMinute),
      a.lastRefusal
        ? el('p', {
            class: 'refusal',
            'data-last-refusal': '',
            text: `Last refused at ${time(a.lastRefusal.at)}: ${a.lastRefusal.reason}`,
          })
        : null,
    );
  });
  $('#connector-cards').replaceChildren(...cards);
}

const STATUS_WORDS = {
  connected: 'Connected',
  connecting: 'Connecting…',
  degraded: 'Degraded: reconnecting',
  failed: 'Failed: retrying',
  standby: 'Standby (another replica holds it)',
  stopped: 'Stopped',
};

async function refreshSubscriptions() {
  const { subscriptions } = await api('/admin/subscriptions');
  $('#no-subscriptions').hidden = subscriptions.length > 0;
  const cards = subscriptions.map((s) =>
    el(
      'article',
      {
        class: 'card subscription',
        'data-status': s.status,
        'data-subscription': `${s.connector}/${s.subscription}`,
      },
      el('h3', { text: `${s.connector} / ${s.subscription}` }),
      el('p', { class: 'hint', text: s.description }),
      el(
        'p',
        { 'data-field': 'status' },
        el('strong', { class: `status status-${s.status}`, text: STATUS_WORDS[s.status] || s.status }),
        ` since ${time(Date.parse(s.since))}`,
      ),
      s.detail ? el('p', { 'data-field': 'detail', text: s.detail }) : null,
      el(
        'dl',
        {},
        el('dt', { text: 'events' }),
        el('dt', { text: 'messages' }),
        el('dt', { text: 'bad frames' }),
        el('dt', { text: 'reconnects' }),
        el('dd', {
          'data-count': 'events',
          text: String(s.events.accepted + s.events.ignored + s.events.invalid),
        }),
        el('dd', { 'data-count': 'messages', text: String(s.messages) }),
        el('dd', { 'data-count': 'badFrames', text: String(s.badFrames) }),
        el('dd', { 'data-count': 'reconnects', text: String(s.reconnects) }),
      ),
      el('p', {
        'data-field': 'last-event',
        text: s.lastEventAt ? `Last event at ${time(Date.parse(s.lastEventAt))}` : 'No event yet',
      }),
      el('p', {
        'data-field': 'holder',
        text: s.holding
          ? `Held by this replica (${s.holder})`
          : s.holder
            ? `Held by ${s.holder}`
            : 'Not held',
      }),
      s.lastError
        ? el('p', { class: 'refusal', 'data-field': 'last-error', text: `Last error: ${s.lastError}` })
        : null,
      s.lastBadFrame
        ? el('p', {
            class: 'hint',
            'data-field': 'last-bad-frame',
            text: `Last bad frame: ${s.lastBadFrame}`,
          })
        : null,
    ),
  );
  $('#subscription-cards').replaceChildren(...cards);
}

async function replay(body) {
  const { replayed } = await api('/admin/replay', { method: 'POST', body: JSON.stringify(body) });
  $('#replay-result').textContent = `${replayed} re-queued`;
  selectedDead.clear();
  await Promise.all([refreshDead(), refreshDeliveries()]);
}

function parseProps(text) {
  const props = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`"${line}" is not name=value`);
    props[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return props;
}

async function testSend(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const out = $('#test-result');
  out.replaceChildren(el('p', { text: 'Sending…' }));
  try {
    const result = await api('/admin/test-send', {
      method: 'POST',
      body: JSON.stringify({
        agentid: form.get('agentid'),
        event: form.get('event'),
        props: parseProps(String(form.get('props') || '')),
      }),
    });
    const d = result.delivery;
    const good = d.status === 'delivered';
    out.replaceChildren(
      el('p', {
        class: good ? 'ok' : 'bad',
        text: good
          ? `OpenConnect answered HTTP ${d.lastStatus}`
          : `Not delivered (${d.status}): ${answerOf(d) || 'no answer yet'}`,
      }),
      d.lastAnswer ? el('pre', { text: d.lastAnswer }) : null,
      result.hints.length
        ? el('ul', { class: 'hints' }, ...result.hints.map((h) => el('li', { text: h })))
        : null,
    );
  } catch (error) {
    out.replaceChildren(el('p', { class: 'bad', text: error.message }));
  }
  await refreshDeliveries().catch(() => {});
}

async function refresh() {
  try {
    await Promise.all([
      refreshStatus(),
      refreshDeliveries(),
      refreshDead(),
      refreshConnectors(),
      refreshSubscriptions(),
    ]);
  } catch (error) {
    $('#status').textContent = `Could not refresh: ${error.message}`;
  }
}

$('#filters').addEventListener('input', () => refreshDeliveries());
$('#filters').addEventListener('submit', (e) => e.preventDefault());
$('#details-close').addEventListener('click', () => ($('#details').hidden = true));
$('#replay-selected').addEventListener(
  'click',
  () => selectedDead.size && replay({ ids: [...selectedDead] }),
);
$('#replay-all').addEventListener('click', () => replay({ all: true }));
$('#test-form').addEventListener('submit', testSend);
$('#resume').addEventListener('click', async () => {
  await api('/admin/resume', { method: 'POST', body: '{}' }).catch((error) => {
    $('#status').textContent = `Could not resume: ${error.message}`;
  });
  await refreshStatus().catch(() => {});
});
await refresh();
setInterval(refresh, REFRESH_MS);
