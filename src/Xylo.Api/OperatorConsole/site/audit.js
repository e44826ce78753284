// Pages for the auditor role: event search (filters, keyset pages), a stream's history and its state at a version or a
// time, the hash-chain integrity check, the NDJSON export.
import * as api from './api.js';
import { h, show, problemBox, guarded, facts, json, table, time, button, fields, field } from './ui.js';

const filterNames = ['streamId', 'streamType', 'eventType', 'from', 'to'];
const enc = encodeURIComponent;

/** datetime-local (the browser's local time) → ISO UTC, or the text as typed when it is not a date */
const iso = value => {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
};

function filterForm(params, onSubmit, submitLabel) {
  return h('form.filters', {
    'aria-label': 'Filters',
    on: { submit: event => { event.preventDefault(); onSubmit(fields(event.currentTarget)); } },
  },
  field('Stream id', { name: 'streamId', value: params.get('streamId') ?? '', spellcheck: 'false', size: 36 }),
  field('Stream type', { name: 'streamType', value: params.get('streamType') ?? '', placeholder: 'user' }),
  field('Event type', { name: 'eventType', value: params.get('eventType') ?? '', placeholder: 'points_earned' }),
  field('From', { name: 'from', value: params.get('from') ?? '', placeholder: '2026-12-01T00:00:00Z' }),
  field('To', { name: 'to', value: params.get('to') ?? '', placeholder: 'ISO time' }),
  field('Page size', { name: 'limit', type: 'number', min: 1, max: 1000, value: params.get('limit') ?? '50' }),
  h('button.primary', { type: 'submit', text: submitLabel }));
}

const eventRow = (e, extra = null) => h('tr', { 'data-seq': e.seq },
  h('td.num', { text: e.seq }),
  h('td', { text: time(e.timestamp) }),
  h('td', {}, h('a.mono', { href: `#/streams/${e.streamId}`, text: e.streamId }), h('div', { text: `${e.streamType ?? '?'} · v${e.version}` })),
  h('td', {}, h('details', {}, h('summary', { text: e.type }), json(e.data),
    facts([['Correlation', e.correlationId], ['Causation', e.causationId], ['Event id', e.id]]),
    e.headers ? json(e.headers) : null)),
  h('td.mono.hide-narrow', { text: e.userName ?? '–' }),
  extra ? h('td', {}, extra) : null);

async function events(main, { params, go }) {
  const results = h('div', { 'aria-live': 'polite' }, 'Loading…');
  main.append(filterForm(params, values => go(`#/events?${new URLSearchParams(Object.entries(values).filter(([, v]) => v))}`), 'Search'), results);
  const query = Object.fromEntries(filterNames.map(name => [name, name === 'from' || name === 'to' ? iso(params.get(name)) : params.get(name)]));
  query.limit = params.get('limit') ?? '50';
  // keyset pages: each page's "next" is the next request's "after"; the trail of earlier "after"s goes back
  const trail = [];
  const load = after => guarded(results, async () => {
    const page = await api.get(api.withQuery('/audit/events', { ...query, after }));
    const back = trail.length ? button('Previous page', () => load(trail.pop() ?? undefined)) : null;
    const forward = page.next ? button('Next page', () => { trail.push(after ?? null); load(page.next); }) : null;
    show(results,
      h('p', { text: page.events.length ? `${page.events.length} events from sequence ${page.events[0].seq}` : 'No events match.' }),
      page.events.length ? table(['Seq', 'Time', 'Stream', 'Event', 'By'], page.events.map(e => eventRow(e))) : null,
      h('div.pager', {}, back, forward));
  });
  await load(params.get('after') ?? undefined);
}

async function stream(main, { rest, params }) {
  const id = rest[0];
  if (!id) {
    const form = h('form.filters', { on: { submit: e => { e.preventDefault(); location.hash = `#/streams/${enc(fields(e.currentTarget).id)}`; } } },
      field('Stream id', { name: 'id', required: true, size: 36 }), h('button.primary', { type: 'submit', text: 'Open' }));
    main.append(form);
    return;
  }
  const stateView = h('div', { 'aria-live': 'polite' });
  const stateForm = h('form.filters', {
    'aria-label': 'State at',
    on: { submit: event => { event.preventDefault(); const f = fields(event.currentTarget); showState({ version: f.version, at: iso(f.at), aggregate: f.aggregate }); } },
  },
  field('Version', { name: 'version', type: 'number', min: 1, value: params.get('version') ?? '' }),
  field('or at (ISO time)', { name: 'at', placeholder: '2026-12-01T12:00:00Z' }),
  h('label', {}, 'Aggregate', h('select', { name: 'aggregate' }, h('option', { value: '', text: 'the stream\'s own' }), h('option', { value: 'points_account', text: 'points account' }))),
  h('button.primary', { type: 'submit', text: 'Show state' }));
  const showState = query => guarded(stateView, async () => {
    const s = await api.get(api.withQuery(`/audit/streams/${enc(id)}/state`, query));
    show(stateView, h('section', { 'aria-label': 'State' },
      h('h2', { text: `State of ${s.streamType} ${s.version !== null ? `at version ${s.version}` : ''}${s.at ? ` at ${time(s.at)}` : ''}` }),
      json(s.state)));
  });
  const history = h('div', {}, 'Loading…');
  main.append(h('p.mono', { text: id }), history, h('h2', { text: 'State at a version or a time' }), stateForm, stateView);
  await guarded(history, async () => {
    const s = await api.get(`/audit/streams/${enc(id)}`);
    show(history,
      h('p', { text: `${s.streamType ?? 'stream'} · version ${s.version} · ${s.events.length} events` }),
      table(['Seq', 'Time', 'Stream', 'Event', 'By', 'State'], s.events.map(e => eventRow(e,
        button(`State at v${e.version}`, () => { stateForm.elements.version.value = e.version; showState({ version: e.version }); })))));
  });
  if (params.get('version')) await showState({ version: params.get('version') });
}

async function integrity(main, { params }) {
  const report = h('div', { 'aria-live': 'polite' });
  const form = h('form.filters', { on: { submit: event => { event.preventDefault(); run(fields(event.currentTarget)); } } },
    field('From sequence', { name: 'from', type: 'number', min: 1, value: params.get('from') ?? '' }),
    field('To sequence', { name: 'to', type: 'number', min: 1, value: params.get('to') ?? '' }),
    h('button.primary', { type: 'submit', text: 'Verify the hash chain' }));
  const run = values => guarded(report, async () => {
    show(report, h('p', { text: 'Recomputing the chain…' }));
    const r = await api.get(api.withQuery('/audit/integrity', values));
    const broken = r.firstBrokenSequence !== null && r.firstBrokenSequence !== undefined;
    show(report,
      broken
        ? h('div.highlight', { role: 'alert' },
          h('strong', { text: `Broken at sequence ${r.firstBrokenSequence}` }), h('div', { text: r.reason ?? '' }),
          h('a', { href: `#/events?after=${r.firstBrokenSequence - 1}&limit=1`, text: `Open event ${r.firstBrokenSequence}` }))
        : h('p.ok.integrity-verdict', { role: 'status', text: `Intact: ${r.verified} events verified from ${r.from} to ${r.to}.` }),
      facts([
        ['Range', `${r.from} – ${r.to}`], ['Verified', `${r.verified}`],
        ['First broken sequence', broken ? h('span.bad', { text: `${r.firstBrokenSequence}` }) : 'none'],
        ['Chain head', `sequence ${r.head.sequence} · ${r.head.hash}`],
        ['Not hashed yet', `${r.unhashed}`],
      ]));
  });
  main.append(h('p', { text: 'Recomputes every link of the audit hash chain in the range (all of it when empty) and names the first one that does not match.' }), form, report);
}

async function exportEvents(main, { params }) {
  const result = h('div', { 'aria-live': 'polite' });
  main.append(h('p', { text: 'The matching events as NDJSON, one event per line, in sequence order.' }),
    filterForm(params, values => download(values), 'Export'), result);
  const download = values => guarded(result, async () => {
    const query = { ...values };
    for (const name of ['from', 'to']) query[name] = iso(query[name]);
    const response = await api.call('GET', api.withQuery('/audit/export', query), { raw: true });
    if (!response.ok) await api.read(response);
    const blob = await response.blob();
    const lines = (await blob.text()).split('\n').filter(Boolean).length;
    const link = h('a', { href: URL.createObjectURL(blob), download: `xylo-events-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`, text: 'Save the file' });
    show(result, h('p.notice', {}, `${lines} events exported (${blob.size} bytes). `, link));
  });
}

export const auditPages = [
  { name: 'events', title: 'Events', role: 'auditor', render: events },
  { name: 'streams', title: 'Streams', role: 'auditor', render: stream },
  { name: 'integrity', title: 'Integrity', role: 'auditor', render: integrity },
  { name: 'export', title: 'Export', role: 'auditor', render: exportEvents },
];
