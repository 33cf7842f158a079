// Meerkat's Kafka dashboard: one EventSource on /api/kafka/events drives everything. "clusters"
// messages carry the whole cluster list, "kafka" messages the timeline; partitions are fetched per
// cluster when its view moves. Text from znodes only ever goes in through textContent.
(function () {
  'use strict';

  const state = {
    clusters: [],
    serverOffsetMs: 0,           // server clock minus browser clock, for uptimes
    topics: {},                  // chroot -> topics JSON
    topicsZxid: {},              // chroot -> zxid the topics were fetched at
    selected: null,
    renders: [],                 // {t, chroot, brokers} per render: lets a test time what the page shows
    events: 0,
  };
  window.meerkatDashboard = state;

  const $ = (id) => document.getElementById(id);
  const MAX_TIMELINE = 300;
  const BAD_EVENTS = new Set(['BROKER_GONE', 'CONTROLLER_GONE', 'ISR_SHRINK', 'TOPIC_DELETED', 'ZNODE_MALFORMED', 'CLUSTER_GONE']);
  const GOOD_EVENTS = new Set(['BROKER_REGISTERED', 'ISR_EXPAND', 'CLUSTER_APPEARED', 'TOPIC_CREATED']);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function duration(ms) {
    if (ms < 0) ms = 0;
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + m + 'm';
    if (m > 0) return m + 'm ' + r + 's';
    return r + 's';
  }

  function serverNow() { return Date.now() + state.serverOffsetMs; }

  // ---- connection -------------------------------------------------------------------------

  function setConnected(live) {
    const s = $('status');
    s.dataset.state = live ? 'live' : 'disconnected';
    s.textContent = live ? 'live' : 'disconnected';
    $('banner').hidden = live;
    document.body.classList.toggle('disconnected', !live);
  }

  function connect() {
    const source = new EventSource('/api/kafka/events');
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      // EventSource reconnects by itself, sending Last-Event-ID; until then the view is stale.
      if (source.readyState !== EventSource.OPEN) setConnected(false);
    };
    source.addEventListener('clusters', (m) => {
      setConnected(true);
      const data = JSON.parse(m.data);
      state.serverOffsetMs = data.serverTime - Date.now();
      state.clusters = data.clusters;
      renderClusters();
      refreshTopics();
    });
    source.addEventListener('kafka', (m) => {
      setConnected(true);
      addTimeline(JSON.parse(m.data));
    });
    source.addEventListener('reset', () => { $('timeline').textContent = ''; });
  }

  // ---- clusters -----------------------------------------------------------------------------

  function count(label, n, alarm, key) {
    return el('div', {class: 'count' + (alarm && n > 0 ? ' bad' : ''), 'data-count': key},
      el('span', {class: 'n', text: String(n)}), el('span', {class: 'l', text: label}));
  }

  function renderClusters() {
    const root = $('clusters');
    root.querySelectorAll('.card').forEach((c) => c.remove());
    $('empty').hidden = state.clusters.length > 0;
    for (const c of state.clusters) {
      root.append(clusterCard(c));
      state.renders.push({t: Date.now(), chroot: c.chroot, brokers: c.brokers.map((b) => b.id)});
    }
    if (state.renders.length > 1000) state.renders.splice(0, state.renders.length - 1000);
    renderClusterSelect();
  }

  function clusterCard(c) {
    const card = el('article', {class: 'card', 'data-chroot': c.chroot});
    card.append(el('div', {class: 'card-head'},
      el('h3', {text: 'cluster ' + c.chroot}),
      el('span', {class: 'cid mono', text: c.clusterId ? 'id ' + c.clusterId : 'no cluster id yet'})));
    const ctl = c.controller || {};
    const controller = el('div', {class: 'controller', 'data-controller-id': ctl.brokerId == null ? '' : String(ctl.brokerId)});
    if (ctl.brokerId == null) controller.append(el('span', {class: 'no', text: 'no controller'}));
    else controller.append('controller ', el('b', {text: 'broker ' + ctl.brokerId}),
      el('span', {class: 'muted', text: ' · epoch ' + (ctl.epoch == null ? '?' : ctl.epoch)
        + (ctl.electedAt ? ' · elected ' + duration(serverNow() - ctl.electedAt) + ' ago' : '')}));
    if (ctl.problem) controller.append(el('span', {class: 'no', text: ' (' + ctl.problem + ')'}));
    card.append(controller);

    const k = c.counts;
    card.append(el('div', {class: 'counts'},
      count('brokers', k.brokers, false, 'brokers'),
      count('topics', k.topics, false, 'topics'),
      count('partitions', k.partitions, false, 'partitions'),
      count('under-replicated', k.underReplicated, true, 'underReplicated'),
      count('under min ISR', k.underMinIsr, true, 'underMinIsr'),
      count('offline', k.offline, true, 'offline'),
      count('unreachable', k.unreachableBrokers, true, 'unreachable')));

    const body = el('tbody');
    for (const b of c.brokers) {
      let reach;
      if (b.reachable === true) reach = el('span', {class: 'yes', text: 'reachable', title: b.probe ? b.probe.latencyMs + ' ms' : ''});
      else if (b.reachable === false) reach = el('span', {class: 'no', text: 'unreachable', title: b.probe ? b.probe.error || '' : ''});
      else reach = el('span', {class: 'muted', text: '—'});
      body.append(el('tr', {class: 'broker', 'data-broker-id': String(b.id)},
        el('td', {}, el('b', {text: String(b.id)}), ctl.brokerId === b.id ? el('span', {class: 'flag ok', text: 'controller'}) : null),
        el('td', {class: 'mono', text: b.endpoints.join(' ')}),
        el('td', {text: b.rack || '—'}),
        el('td', {class: 'uptime', 'data-since': String(b.registeredAt), text: duration(serverNow() - b.registeredAt)}),
        el('td', {}, reach),
        el('td', {class: 'mono muted', text: b.sessionId}),
        el('td', {class: 'no', text: b.problem || ''})));
    }
    card.append(el('table', {class: 'brokers'},
      el('thead', {}, el('tr', {}, ...['broker', 'endpoints', 'rack', 'up', 'probe', 'session', ''].map((h) => el('th', {text: h})))),
      body));
    const notes = [];
    if (c.deletingTopics.length) notes.push('being deleted: ' + c.deletingTopics.join(', '));
    if (c.reassigningTopics.length) notes.push('reassigning: ' + c.reassigningTopics.join(', '));
    if (notes.length) card.append(el('div', {class: 'muted', text: notes.join(' · ')}));
    if (c.problems.length) {
      const p = el('div', {class: 'problems'});
      for (const pr of c.problems) p.append(el('div', {text: pr.path + ': ' + pr.reason}));
      card.append(p);
    }
    return card;
  }

  function tickUptimes() {
    document.querySelectorAll('td.uptime').forEach((td) => {
      td.textContent = duration(serverNow() - Number(td.dataset.since));
    });
  }

  // ---- partitions ---------------------------------------------------------------------------

  function renderClusterSelect() {
    const sel = $('partition-cluster');
    const chroots = state.clusters.map((c) => c.chroot);
    if (!chroots.includes(state.selected)) {
      // Start with the cluster that has the most partitions: the one worth looking at.
      const biggest = state.clusters.slice().sort((a, b) => b.counts.partitions - a.counts.partitions)[0];
      state.selected = biggest ? biggest.chroot : null;
    }
    const current = Array.from(sel.options).map((o) => o.value);
    if (current.join('\n') !== chroots.join('\n')) {
      sel.textContent = '';
      for (const c of chroots) sel.append(el('option', {value: c, text: c}));
    }
    if (state.selected) sel.value = state.selected;
  }

  let topicsTimer = null;
  function refreshTopics() {
    // Coalesce bursts (a broker death moves many partitions at once) into one fetch.
    if (topicsTimer) return;
    topicsTimer = setTimeout(() => {
      topicsTimer = null;
      for (const c of state.clusters) {
        if (state.topicsZxid[c.chroot] === c.zxid) continue;
        const zxid = c.zxid;
        fetch(c.topicsUrl, {cache: 'no-store'}).then((r) => r.ok ? r.json() : []).then((topics) => {
          state.topics[c.chroot] = topics;
          state.topicsZxid[c.chroot] = zxid;
          if (c.chroot === state.selected) renderPartitions();
        }).catch(() => {});
      }
    }, 150);
  }

  function renderPartitions() {
    const body = $('partitions').querySelector('tbody');
    body.textContent = '';
    const topics = state.topics[state.selected] || [];
    const filter = $('partition-filter').value.trim().toLowerCase();
    const onlyProblems = $('partition-problems').checked;
    let shown = 0, total = 0;
    for (const t of topics) {
      for (const p of t.partitions) {
        total++;
        const flags = [];
        if (p.offline) flags.push(['offline', 'bad']);
        if (p.underMinIsr) flags.push(['under min ISR', 'bad']);
        if (p.underReplicated) flags.push(['under-replicated', 'warn']);
        if (t.deleting) flags.push(['deleting', 'warn']);
        if (p.addingReplicas.length || p.removingReplicas.length) flags.push(['reassigning', 'warn']);
        if (p.problem) flags.push([p.problem, 'bad']);
        if (onlyProblems && !flags.length) continue;
        const text = [t.name + '-' + p.partition, 'leader ' + p.leader, p.replicas.join(','), p.isr.join(','),
          flags.map((f) => f[0]).join(' ')].join(' ').toLowerCase();
        if (filter && !filter.split(/\s+/).every((w) => text.includes(w))) continue;
        shown++;
        const state_ = el('td', {});
        if (!flags.length) state_.append(el('span', {class: 'flag ok', text: 'ok'}));
        for (const [f, kind] of flags) state_.append(el('span', {class: 'flag ' + kind, text: f}));
        body.append(el('tr', {class: 'partition', 'data-topic': t.name, 'data-partition': String(p.partition)},
          el('td', {text: t.name}), el('td', {text: String(p.partition)}),
          el('td', {class: p.leader < 0 ? 'no' : '', text: p.leader < 0 ? 'none' : String(p.leader)}),
          el('td', {class: 'mono', text: p.replicas.join(', ')}),
          el('td', {class: 'mono', text: p.isr.join(', ')}),
          el('td', {text: String(p.minIsr)}), state_));
      }
    }
    $('partition-count').textContent = shown + ' of ' + total + ' partitions';
  }

  // ---- timeline -----------------------------------------------------------------------------

  function addTimeline(e) {
    state.events++;
    const li = el('li', {class: BAD_EVENTS.has(e.type) ? 'bad' : GOOD_EVENTS.has(e.type) ? 'good' : '',
        'data-type': e.type, 'data-event-id': e.id},
      el('span', {class: 'when', text: new Date(e.timeMs).toLocaleString()}),
      el('span', {class: 'mono', text: e.chroot}),
      el('span', {class: 'what', text: e.message, title: e.type + ' · zxid 0x' + e.zxid.toString(16)}));
    const list = $('timeline');
    list.prepend(li);
    while (list.children.length > MAX_TIMELINE) list.lastElementChild.remove();
  }

  // ---- start --------------------------------------------------------------------------------

  $('partition-cluster').addEventListener('change', (e) => { state.selected = e.target.value; renderPartitions(); });
  $('partition-filter').addEventListener('input', renderPartitions);
  $('partition-problems').addEventListener('change', renderPartitions);
  setInterval(tickUptimes, 1000);
  connect();
})();
