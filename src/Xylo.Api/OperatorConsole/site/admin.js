// Pages for the admin role: projections (rebuild with live progress, pause, resume), chain, vault, rewards, users.
import * as api from './api.js';
import { h, show, problemBox, guarded, facts, table, time, button, confirmAction, fields, field, attempt } from './ui.js';

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const enc = encodeURIComponent;

async function projections(main) {
  const status = h('div', { 'aria-live': 'polite' });
  const list = h('div', {}, 'Loading…');
  const load = async () => guarded(list, async () => {
    const report = await api.get('/admin/projections');
    show(list,
      h('p', { text: `High-water mark ${report.highWaterMark}; ${report.daemonRunsHere ? 'the async daemon runs on this node' : 'the async daemon runs on another node'}.` }),
      table(['Projection', 'Kind', 'Shard', 'State', 'Position', 'Lag', 'Updated', 'Actions'],
        report.projections.flatMap(p => (p.shards.length ? p.shards : [null]).map((shard, i) => h('tr', {},
          h('th', { scope: 'row', text: i === 0 ? p.name : '' }),
          h('td', { text: i === 0 ? `${p.kind} · ${p.lifecycle}` : '' }),
          h('td.mono', { text: shard?.shard ?? '–' }),
          h(`td.state-${shard?.state ?? 'none'}`, { text: shard?.state ?? p.lifecycle }),
          h('td.num', { text: shard ? `${shard.sequence} / ${p.highWaterMark}` : '–' }),
          h('td.num', { text: shard ? `${shard.lagEvents} events · ${shard.lagSeconds.toFixed(1)} s` : '–' }),
          h('td.hide-narrow', { text: time(shard?.lastUpdated) }),
          h('td', {}, i === 0 ? h('div.actions', {},
            button('Rebuild', () => rebuild(p.name), 'primary'),
            button('Pause', () => act(`/admin/projections/${enc(p.name)}/pause`, `${p.name} paused`)),
            button('Resume', () => act(`/admin/projections/${enc(p.name)}/resume`, `${p.name} resumed`))) : null))))));
  });
  const act = (path, done) => attempt(status, async () => { await api.post(path); return done; }, load);
  const rebuild = async (name) => {
    const bar = h('progress', { max: 100, value: 0, 'aria-label': `Rebuild of ${name}` });
    const text = h('span.rebuild-status', { text: 'queued' });
    show(status, h('div.progress', { role: 'status' }, h('strong', { text: `Rebuilding ${name}` }), bar, text));
    try {
      const accepted = await api.post(`/admin/projections/${enc(name)}/rebuild`);
      // every 0.5 s at first, then less often (the API's per-IP rate limit is 100 requests per 15 minutes by default);
      // a 429 waits and goes on
      for (let wait = 500; ; wait = Math.min(wait * 1.25, 5000)) {
        let s;
        try {
          s = await api.get(accepted.location);
        } catch (error) {
          if (error.status !== 429) throw error;
          text.textContent = `${text.textContent.replace(/ · rate limited.*$/, '')} · rate limited, asking again in 15 s`;
          await sleep(15_000);
          continue;
        }
        const percent = s.status === 'succeeded' ? 100 : (s.percent ?? 0);
        bar.value = percent;
        const rate = s.eventsPerSecond ? ` · ${s.eventsPerSecond} events/s` : '';
        const eta = s.etaSeconds ? ` · ${s.etaSeconds} s left` : '';
        text.textContent = `${s.status} · ${s.processedEvents} of ${s.totalEvents} events · ${percent} %${rate}${eta}`;
        if (s.status === 'failed') throw new api.Problem(500, { title: `The rebuild of ${name} failed`, detail: s.error ?? 'no reason recorded' });
        if (s.status === 'succeeded') break;
        await sleep(wait);
      }
      await load();
    } catch (error) {
      status.append(problemBox(error));
    }
  };
  main.append(h('p', {}, button('Refresh', load)), status, list);
  await load();
}

async function chain(main) {
  const status = h('div', { 'aria-live': 'polite' });
  const view = h('div', {}, 'Loading…');
  const load = () => guarded(view, async () => {
    const c = await api.get('/admin/chain');
    show(view, facts([
      ['Signer', h('code', { text: c.signer })],
      ['Balance', `${c.balance}`],
      ['Latest block', `${c.latestBlock}`],
      ['Rewards contract', c.rewardsContract ? h('code', { text: c.rewardsContract }) : '–'],
      ['Rewards paused', c.rewardsPaused === null ? '–' : c.rewardsPaused ? h('span.bad', { text: 'paused' }) : 'no'],
      ['Vault contract', c.vaultContract ? h('code', { text: c.vaultContract }) : '–'],
      ['Nonces', `ours ${c.nonces.local ?? '–'} · chain latest ${c.nonces.chainLatest} · chain pending ${c.nonces.chainPending}`],
      ['Mints', `${c.pending.transactions} transactions pending · ${c.pending.queued} queued · ${c.pending.deferred} deferred`
        + (c.pending.oldestAgeSeconds ? ` · oldest ${c.pending.oldestAgeSeconds.toFixed(0)} s` : '')],
    ]), h('h2', { text: 'Contracts' }), h('div.actions', {}, ['rewards', 'vault'].flatMap(contract => [
      button(`Pause ${contract}`, () => toggle(contract, 'pause'), 'danger'),
      button(`Unpause ${contract}`, () => toggle(contract, 'unpause')),
    ])));
  });
  const toggle = async (contract, action) => {
    if (!await confirmAction(`${action === 'pause' ? 'Pause' : 'Unpause'} the ${contract} contract? This sends a transaction from the signer.`, action)) return;
    show(status, h('p.notice', { text: `Sending ${action} to ${contract}…` }));
    await attempt(status, async () => {
      const r = await api.post(`/admin/contracts/${contract}/${action}`);
      return `${contract}: ${r.paused ? 'paused' : 'not paused'}${r.txHash ? ` · tx ${r.txHash}` : ''}${r.blockNumber ? ` · block ${r.blockNumber}` : ' · not mined yet'}`;
    }, load);
  };
  main.append(h('p', {}, button('Refresh', load)), status, view);
  await load();
}

async function vault(main) {
  const status = h('div', { 'aria-live': 'polite' });
  const view = h('div', {}, 'Loading…');
  const load = () => guarded(view, async () => {
    const v = await api.get('/admin/vault');
    show(view, facts([
      ['Contract', v.contract ? h('code', { text: v.contract }) : '–'],
      ['Cursor', v.cursor === null ? '–' : `block ${v.cursor}`],
      ['Safe head / latest', `${v.safeHead ?? '–'} / ${v.latestHead ?? '–'}`],
      ['Lag', v.lagBlocks === null ? '–' : `${v.lagBlocks} blocks`],
      ['Reorgs', `${v.reorgs}${v.lastReorg ? ` (last at block ${v.lastReorg.forkBlock}, ${v.lastReorg.logsReversed} logs reversed, ${time(v.lastReorg.at)})` : ''}`],
      ['Pending logs', `${v.pending}`],
      ['Polled', time(v.polledAt)],
      ['Last error', v.lastError ? h('span.bad', { text: v.lastError }) : '–'],
      ['Rescan requested from', v.rescanFrom ?? '–'],
    ]), h('h2', { text: 'Totals' }), table(['Token', 'Deposited', 'Withdrawn', 'Balance', 'Deposits', 'Withdrawals'],
      v.totals.map(t => h('tr', {}, h('td.mono', { text: t.token }), h('td.num', { text: t.deposited }), h('td.num', { text: t.withdrawn }),
        h('td.num', { text: t.balance }), h('td.num', { text: t.deposits }), h('td.num', { text: t.withdrawals })))));
  });
  const rescan = h('form.filters', {
    on: {
      submit: async event => {
        event.preventDefault();
        const { fromBlock } = fields(event.currentTarget);
        await attempt(status, async () => {
          await api.post('/admin/vault/rescan', { fromBlock: Number(fromBlock) });
          return `Rescan from block ${fromBlock} requested.`;
        }, load);
      },
    },
  }, field('Rescan from block', { name: 'fromBlock', type: 'number', min: 0, required: true }), h('button', { type: 'submit', text: 'Rescan' }));
  main.append(h('p', {}, button('Refresh', load)), status, view, h('h2', { text: 'Rescan' }), rescan);
  await load();
}

async function rewards(main) {
  const status = h('div', { 'aria-live': 'polite' });
  const list = h('div', {}, 'Loading…');
  const load = () => guarded(list, async () => {
    const all = await api.get('/rewards?includeRetired=true');
    show(list, table(['Reward', 'Cost', 'Claimed / supply', 'Window', 'State', ''], all.map(r => h('tr', {},
      h('th', { scope: 'row' }, r.name, h('div.mono', { text: r.id })),
      h('td.num', { text: r.cost }),
      h('td.num', { text: `${r.claimed} / ${r.supply ?? '∞'}` }),
      h('td', { text: `${time(r.availableFrom)} – ${time(r.availableUntil)}` }),
      h('td', { text: r.retired ? 'retired' : 'on sale' }),
      h('td', {}, r.retired ? null : button('Retire', () => retire(r), 'danger'))))));
  });
  const retire = async (reward) => {
    if (!await confirmAction(`Retire "${reward.name}"? No new mints; mints in flight finish.`, 'Retire')) return;
    await attempt(status, async () => { await api.post(`/admin/rewards/${reward.id}/retirement`); return `${reward.name} retired.`; }, load);
  };
  // one Idempotency-Key per filled-in form: a retried submit after a lost answer creates the reward once
  let key = crypto.randomUUID();
  const create = h('form.stack', {
    on: {
      submit: async event => {
        event.preventDefault();
        const form = event.currentTarget;
        const f = fields(form);
        const body = {
          name: f.name, description: f.description, metadataUri: f.metadataUri, cost: f.cost === '' ? null : Number(f.cost),
          supply: f.supply === '' ? null : Number(f.supply),
          availableFrom: f.availableFrom ? new Date(f.availableFrom).toISOString() : null,
          availableUntil: f.availableUntil ? new Date(f.availableUntil).toISOString() : null,
        };
        await attempt(status, async () => {
          const r = await api.post('/admin/rewards', body, { headers: { 'Idempotency-Key': key } });
          form.reset();
          key = crypto.randomUUID();
          return `Created ${r.name ?? f.name}.`;
        }, load);
      },
      input: () => { key = crypto.randomUUID(); },
    },
  },
  field('Name', { name: 'name', required: true }),
  field('Description', { name: 'description' }),
  field('Metadata URI (https, ipfs or ar)', { name: 'metadataUri', placeholder: 'ipfs://…' }),
  field('Cost (points)', { name: 'cost', type: 'number', min: 1 }),
  field('Supply (empty: unlimited)', { name: 'supply', type: 'number', min: 1 }),
  field('Available from', { name: 'availableFrom', type: 'datetime-local' }),
  field('Available until', { name: 'availableUntil', type: 'datetime-local' }),
  h('div', {}, h('button.primary', { type: 'submit', text: 'Create reward' })));
  main.append(status, list, h('h2', { text: 'Create a reward' }), create);
  await load();
}

async function users(main, { params, go }) {
  const status = h('div', { 'aria-live': 'polite' });
  const found = h('div', { 'aria-live': 'polite' });
  const form = h('form.stack', { on: { submit: event => event.preventDefault() } },
    field('User id', { name: 'userId', required: true, value: params.get('id') ?? '', placeholder: '0193…', spellcheck: 'false' }),
    h('label', {}, 'Role', h('select', { name: 'role' }, h('option', { text: 'admin' }), h('option', { text: 'auditor' }))),
    field('Suspension reason', { name: 'reason' }));
  const id = () => enc(fields(form).userId);
  const act = (work, done) => () => form.reportValidity() && attempt(status, async () => { await work(); return done(); }, () => search(params.get('q')));
  const search = q => q ? guarded(found, async () => {
    const { users: list } = await api.get(api.withQuery('/admin/users', { q }));
    show(found, list.length ? table(['Handle', 'Id', 'X', 'Roles', 'Suspended', ''], list.map(u => h('tr', {},
      h('th', { scope: 'row', text: u.handle }), h('td.mono', { text: u.id }), h('td', { text: u.xUsername ? `@${u.xUsername}` : '–' }),
      h('td', { text: u.roles.join(', ') }), h('td', {}, u.suspended ? h('span.bad', { text: 'suspended' }) : 'no'),
      h('td', {}, button('Select', () => { form.elements.userId.value = u.id; form.elements.userId.focus(); })))))
      : h('p', { text: `No user matches "${q}".` }));
  }) : null;
  const finder = h('form.filters', { role: 'search', on: { submit: event => { event.preventDefault(); go(`#/users?${new URLSearchParams({ q: fields(event.currentTarget).q })}`); } } },
    field('Find by handle, X username or id', { name: 'q', required: true, value: params.get('q') ?? '', size: 36 }),
    h('button.primary', { type: 'submit', text: 'Find' }));
  main.append(finder, found, h('h2', { text: 'Change a user' }), form,
    h('div.actions', {},
      button('Grant role', act(() => api.post(`/admin/users/${id()}/roles`, { role: fields(form).role }), () => `granted ${fields(form).role}`), 'primary'),
      button('Revoke role', act(() => api.del(`/admin/users/${id()}/roles/${enc(fields(form).role)}`), () => `revoked ${fields(form).role}`)),
      button('Suspend', act(async () => {
        if (!await confirmAction('Suspend this user? Their tokens are refused at once.', 'Suspend')) throw new api.Problem(0, { title: 'Not suspended', detail: 'cancelled' });
        await api.post(`/admin/users/${id()}/suspension`, { reason: fields(form).reason });
      }, () => 'suspended'), 'danger'),
      button('Reinstate', act(() => api.del(`/admin/users/${id()}/suspension`), () => 'reinstated')),
      button('History', () => form.reportValidity() && go(`#/streams/${id()}`))),
    status);
  await search(params.get('q'));
}

export const adminPages = [
  { name: 'projections', title: 'Projections', role: 'admin', render: projections },
  { name: 'chain', title: 'Chain', role: 'admin', render: chain },
  { name: 'vault', title: 'Vault', role: 'admin', render: vault },
  { name: 'rewards', title: 'Rewards', role: 'admin', render: rewards },
  { name: 'users', title: 'Users', role: 'admin', render: users },
];
