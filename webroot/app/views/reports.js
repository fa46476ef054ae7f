// Reports (reports.view): the figures of a period over the inboxes the user is a member of, compared with the period
// before; one figure over time (uPlot, from the hub's own copy of its WebJar), the busiest hours, agents, CSV links.

import { api } from '../api.js';
import { field, fill, h, showError } from '../dom.js';
import { CHANNELS, memberInboxes } from '../store.js';

const UPLOT = '/app/vendor/uplot/';

const COUNTS = [
  ['conversations_opened', 'Conversations opened'],
  ['conversations_resolved', 'Resolved'],
  ['conversations_reopened', 'Reopened'],
  ['messages_in', 'Messages in'],
  ['messages_out', 'Messages out'],
  ['calls_answered', 'Calls answered'],
  ['calls_missed', 'Calls missed'],
  ['voicemails', 'Voicemails'],
];
const METRICS = [
  ['messages_in', 'Messages in'], ['messages_out', 'Messages out'], ['conversations_opened', 'Conversations opened'],
  ['conversations_resolved', 'Conversations resolved'], ['calls_answered', 'Calls answered'], ['calls_missed', 'Calls missed'],
  ['voicemails', 'Voicemails'],
];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Seconds as people read them: "0 s", "30 min", "2 h 5 min", "3 d 4 h". */
export function duration(s) {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return m % 60 ? `${hrs} h ${m % 60} min` : `${hrs} h`;
  const d = Math.floor(hrs / 24);
  return hrs % 24 ? `${d} d ${hrs % 24} h` : `${d} d`;
}

function percent(v) {
  return v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10}%`;
}

function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

let uplotLoaded = null;

/** uPlot, loaded once with its style sheet, when the first chart is drawn. */
function loadUplot() {
  if (!uplotLoaded) {
    document.head.append(h('link', { rel: 'stylesheet', href: UPLOT + 'uPlot.min.css' }));
    uplotLoaded = import(UPLOT + 'uPlot.esm.js').then(m => m.default);
  }
  return uplotLoaded;
}

export class ReportsPage {
  constructor(host) {
    host.className = 'page-host reports-page';
    const today = new Date();
    const monthAgo = new Date(today.getTime() - 29 * 86400000);
    this.from = h('input', { type: 'date', name: 'from', value: isoDay(monthAgo), required: true });
    this.to = h('input', { type: 'date', name: 'to', value: isoDay(today), required: true });
    this.inbox = h('select', { name: 'inbox_id' }, h('option', { value: '', text: 'All my inboxes' }),
      memberInboxes().map(i => h('option', { value: String(i.id), text: i.name })));
    this.channel = h('select', { name: 'channel' }, h('option', { value: '', text: 'All channels' }),
      Object.entries(CHANNELS).map(([k, v]) => h('option', { value: k, text: v.label })));
    this.agent = h('select', { name: 'agent_id' }, h('option', { value: '', text: 'All agents' }));
    this.metric = h('select', { name: 'metric' }, METRICS.map(([k, label]) => h('option', { value: k, text: label })));
    this.interval = h('select', { name: 'interval' }, h('option', { value: 'day', text: 'By day' }), h('option', { value: 'week', text: 'By week' }));
    this.error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'report-filters', onsubmit: e => { e.preventDefault(); this.load(); } },
      field('From', this.from), field('To', this.to), field('Inbox', this.inbox), field('Channel', this.channel),
      field('Agent', this.agent), h('button', { type: 'submit', class: 'btn btn-primary', text: 'Show' }));
    for (const s of [this.inbox, this.channel, this.agent]) s.addEventListener('change', () => this.load());
    for (const s of [this.metric, this.interval]) s.addEventListener('change', () => this.loadSeries());
    this.note = h('p', { class: 'muted report-note' });
    this.figures = h('div', { class: 'report-figures', 'data-report': 'figures' });
    this.chart = h('div', { class: 'report-chart', 'data-report': 'chart' });
    this.heat = h('div', { class: 'report-heatmap', 'data-report': 'heatmap' });
    this.agents = h('div', { class: 'report-agents', 'data-report': 'agents' });
    this.downloads = h('p', { class: 'report-downloads' });
    this.heatNote = h('p', { class: 'muted' });
    fill(host, h('div', { class: 'reports' },
      h('h1', { class: 'panel-title', text: 'Reports' }), form, this.error, this.note, this.downloads, this.figures,
      h('section', { class: 'report-card' }, h('div', { class: 'report-card-head' }, h('h2', { text: 'Over time' }),
        this.metric, this.interval), this.chart),
      h('section', { class: 'report-card' }, h('h2', { text: 'Busiest hours' }), this.heatNote, this.heat),
      h('section', { class: 'report-card' }, h('h2', { text: 'Agents' }), this.agents)));
    this.load();
  }

  params(withFilters = true) {
    const p = { from: this.from.value, to: this.to.value };
    if (this.inbox.value) p.inbox_id = this.inbox.value;
    if (withFilters && this.channel.value) p.channel = this.channel.value;
    if (withFilters && this.agent.value) p.agent_id = this.agent.value;
    return p;
  }

  csvHref(report, params) {
    return '/api/v1/reports/' + report + '?' + new URLSearchParams({ ...params, format: 'csv' }).toString();
  }

  async load() {
    showError(this.error, null);
    const seq = this.seq = (this.seq || 0) + 1;
    try {
      const [summary, agents, heat] = await Promise.all([
        api.get('/reports/summary', this.params()),
        api.get('/reports/agents', this.params(false)),
        api.get('/reports/heatmap', this.params(false)),
      ]);
      if (seq !== this.seq) return;
      this.paintSummary(summary);
      this.paintAgents(agents);
      this.paintHeatmap(heat);
      fill(this.downloads, 'CSV: ',
        [['summary', 'Summary', this.params()], ['timeseries', 'Over time', { ...this.params(), metric: this.metric.value, interval: this.interval.value }],
          ['agents', 'Agents', this.params(false)], ['heatmap', 'Busiest hours', this.params(false)]]
          .map(([r, label, p]) => h('a', { href: this.csvHref(r, p), class: 'report-csv', 'data-csv': r, download: `report-${r}.csv`, text: label })));
      await this.loadSeries();
    } catch (e) {
      if (seq === this.seq) showError(this.error, e);
    }
  }

  async loadSeries() {
    try {
      const series = await api.get('/reports/timeseries', { ...this.params(), metric: this.metric.value, interval: this.interval.value });
      await this.paintChart(series);
      const link = this.downloads.querySelector('[data-csv="timeseries"]');
      if (link) link.href = this.csvHref('timeseries', { ...this.params(), metric: this.metric.value, interval: this.interval.value });
    } catch (e) {
      showError(this.error, e);
    }
  }

  paintSummary(r) {
    const cur = r.figures;
    const prev = r.previous.figures;
    fill(this.note, `${r.from.slice(0, 10)} to ${r.to.slice(0, 10)} (end excluded), times in ${r.timezone}. `
      + (r.business_hours ? 'Response and resolution times count business hours only.' : 'Response and resolution times count the clock (no business hours).')
      + ` Compared with ${r.previous.from.slice(0, 10)} to ${r.previous.to.slice(0, 10)}.`);
    const card = (key, label, value, before, text = String(value), beforeText = String(before)) => {
      const change = value === null || before === null || value === before ? 'same' : value > before ? 'up' : 'down';
      return h('div', { class: 'report-figure', 'data-figure': key, 'data-value': value === null ? '' : String(value) },
        h('span', { class: 'figure-label', text: label }),
        h('strong', { class: 'figure-value', text }),
        h('span', { class: ['figure-previous', 'change-' + change], 'data-previous': before === null ? '' : String(before),
          text: `previous: ${beforeText}` }));
    };
    const cards = COUNTS.map(([k, label]) => card(k, label, cur[k], prev[k]));
    for (const [k, label] of [['first_response', 'First response'], ['resolution', 'Resolution']]) {
      for (const [q, qLabel] of [['median_seconds', 'median'], ['p90_seconds', '90th percentile']]) {
        const v = cur[k][q];
        const b = prev[k][q];
        cards.push(card(`${k}.${q}`, `${label}, ${qLabel}`, v, b, duration(v), duration(b)));
      }
    }
    const s = cur.satisfaction;
    const ps = prev.satisfaction;
    cards.push(card('satisfaction.score', 'Satisfaction (4–5 stars)', s.score, ps.score, percent(s.score), percent(ps.score)));
    cards.push(card('satisfaction.response_rate', 'Review response rate', s.response_rate, ps.response_rate,
      percent(s.response_rate), percent(ps.response_rate)));
    cards.push(card('satisfaction.mean_rating', 'Mean rating', s.mean_rating, ps.mean_rating,
      s.mean_rating === null ? '—' : String(s.mean_rating), ps.mean_rating === null ? '—' : String(ps.mean_rating)));
    fill(this.figures, cards);
  }

  paintAgents(r) {
    const chosen = this.agent.value;
    fill(this.agent, h('option', { value: '', text: 'All agents' }),
      r.agents.map(a => h('option', { value: String(a.agent_id), text: a.name || a.email, selected: String(a.agent_id) === chosen })));
    if (!r.agents.length) {
      fill(this.agents, h('p', { class: 'muted', text: 'No agents in these inboxes.' }));
      return;
    }
    const head = ['Agent', 'Messages sent', 'Resolved', 'First responses', 'First response, median', 'Resolution, median',
      'Satisfaction', 'Response rate'];
    fill(this.agents, h('table', { class: 'report-table' },
      h('thead', {}, h('tr', {}, head.map(t => h('th', { scope: 'col', text: t })))),
      h('tbody', {}, r.agents.map(a => h('tr', { 'data-agent': String(a.agent_id) },
        h('th', { scope: 'row', text: a.name || a.email }),
        h('td', { text: String(a.messages_out) }), h('td', { text: String(a.conversations_resolved) }),
        h('td', { text: String(a.first_response.count) }), h('td', { text: duration(a.first_response.median_seconds) }),
        h('td', { text: duration(a.resolution.median_seconds) }), h('td', { text: percent(a.satisfaction.score) }),
        h('td', { text: percent(a.satisfaction.response_rate) }))))));
  }

  paintHeatmap(r) {
    fill(this.heatNote, `Incoming messages by weekday and hour, in ${r.timezone}.`);
    let max = 0;
    for (const row of r.cells) for (const n of row) max = Math.max(max, n);
    const hours = [...Array(24).keys()];
    fill(this.heat, h('table', { class: 'heatmap' },
      h('thead', {}, h('tr', {}, h('th', {}), hours.map(x => h('th', { scope: 'col', text: String(x) })))),
      h('tbody', {}, r.cells.map((row, d) => h('tr', {}, h('th', { scope: 'row', text: DAYS[d] }),
        row.map((n, hr) => h('td', { class: 'heat-' + (n === 0 ? 0 : Math.max(1, Math.ceil(5 * n / max))),
          'data-day': String(d), 'data-hour': String(hr), title: `${DAYS[d]} ${hr}:00: ${n}`, text: n ? String(n) : '' })))))));
  }

  async paintChart(r) {
    const uPlot = await loadUplot();
    if (this.plot) this.plot.destroy();
    const xs = r.points.map(p => Date.parse(p.start + 'T00:00:00Z') / 1000);
    const ys = r.points.map(p => p.value);
    const label = (METRICS.find(m => m[0] === r.metric) || [r.metric, r.metric])[1];
    this.chart.dataset.points = String(r.points.length);
    this.chart.dataset.total = String(ys.reduce((a, b) => a + b, 0));
    const width = Math.max(320, this.chart.clientWidth || 640);
    this.plot = new uPlot({
      width, height: 220,
      tzDate: ts => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      series: [{}, { label, stroke: '#4f46e5', width: 2, fill: 'rgba(79, 70, 229, 0.12)' }],
      axes: [{}, { size: 50 }],
    }, [xs, ys], this.chart);
  }

  update() {
  }

  destroy() {
    if (this.plot) this.plot.destroy();
  }
}
