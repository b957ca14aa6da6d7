// The interactive timeline: one lane per party, the run's marks and spans (from the server's
// `timeline`, built in Rust by crates/cli/src/timeline.rs from the report), reports per day in
// a band beneath, zoom (wheel, buttons) and pan (drag) to a window, a tooltip on every mark and
// span, a click that opens its explanation, reconstructed instants drawn hollow and dashed.
//
// The geometry is here, in `layout`: a pure function of the model, the window and the width,
// so it is the same at every zoom. Labels never overlap: in each lane they are placed left to
// right in the first of a few rows where they fit; a label that fits in no row is left out of
// the drawing and its mark keeps its tooltip (the lane says how many are left out).

const NS = 'http://www.w3.org/2000/svg';
export const TITLE_WIDTH = 190;
const ROW = 15; // height of a label row
const MAX_ROWS = 4;
const LANE_PAD = 10;
const MARK_ROW = 22; // height of the row the marks sit on
const BAND = 70; // reports-per-day band
const AXIS = 34;
const FONT = '11px system-ui, sans-serif';

let measurer;
// The width of a label as drawn: the verdicts' labels are bold (style.css).
function textWidth(text, bold = false) {
  if (!measurer) measurer = document.createElement('canvas').getContext('2d');
  measurer.font = bold ? `600 ${FONT}` : FONT;
  return Math.ceil(measurer.measureText(text).width);
}

// Where everything goes, for a window [start, end] (ms) and a width (px).
export function layout(model, win, width, measure = textWidth) {
  const plot = { x0: TITLE_WIDTH, x1: width - 12 };
  const span = Math.max(1, win.end - win.start);
  const x = (t) => plot.x0 + ((t - win.start) / span) * (plot.x1 - plot.x0);
  const inView = (a, b = a) => b >= win.start && a <= win.end;
  const lanes = model.lanes.map((lane, i) => ({ ...lane, index: i, rows: [], hidden: 0, items: [] }));

  // Spans first (bars on the mark row), then marks; each with a label to place.
  for (const s of model.spans) {
    if (!inView(s.from, s.to)) continue;
    const x0 = Math.max(plot.x0, x(s.from));
    const x1 = Math.min(plot.x1, Math.max(x(s.to), x0 + 2));
    lanes[s.lane].items.push({ type: 'span', d: s, x0, x1, cx: x0, label: s.label });
  }
  for (const m of model.marks) {
    if (!inView(m.at)) continue;
    lanes[m.lane].items.push({ type: 'mark', d: m, cx: x(m.at), label: m.label });
  }
  let y = 6;
  for (const lane of lanes) {
    // Labels: left to right, each in the first row where it fits.
    const rowsEnd = [];
    const placed = [];
    const byX = [...lane.items].sort((a, b) => a.cx - b.cx);
    for (const item of byX) {
      const bold = item.d.kind === 'permitted' || item.d.kind === 'not_permitted';
      const w = measure(item.label, bold) + 8;
      // A span's label starts at its start; a mark's is centred on it, kept inside the plot.
      let lx = item.type === 'span' ? item.x0 : item.cx - w / 2;
      lx = Math.max(plot.x0, Math.min(lx, plot.x1 - w));
      let row = rowsEnd.findIndex((end) => end + 4 <= lx);
      if (row < 0 && rowsEnd.length < MAX_ROWS) {
        row = rowsEnd.length;
        rowsEnd.push(-Infinity);
      }
      if (row < 0) {
        item.labelRow = -1;
        lane.hidden++;
        continue;
      }
      rowsEnd[row] = lx + w;
      item.labelRow = row;
      item.lx = lx;
      item.lw = w;
      placed.push(item);
    }
    lane.rowCount = rowsEnd.length;
    lane.y = y;
    lane.labelsTop = y + LANE_PAD;
    lane.markY = lane.labelsTop + lane.rowCount * ROW + MARK_ROW / 2 + 2;
    lane.height = LANE_PAD * 2 + lane.rowCount * ROW + MARK_ROW + 4;
    for (const item of placed) {
      // Row 0 is nearest the marks.
      item.ly = lane.markY - MARK_ROW / 2 - 4 - item.labelRow * ROW;
    }
    y += lane.height;
  }
  const band = { y: y + 4, height: BAND };
  const axisY = band.y + band.height + 4;
  return { lanes, plot, x, band, axisY, height: axisY + AXIS, width };
}

// Ticks at sensible steps, on local midnights when a day or more apart, labelled in the zone.
function ticks(win, plotWidth, zone) {
  const H = 3600e3;
  const D = 24 * H;
  const steps = [H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D, 61 * D, 91 * D];
  const want = Math.max(2, Math.floor(plotWidth / 110));
  const step = steps.find((s) => (win.end - win.start) / s <= want) || steps[steps.length - 1];
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const offset = (t) => {
    const p = Object.fromEntries(parts.formatToParts(new Date(t)).map((q) => [q.type, q.value]));
    const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
    return local - Math.floor(t / 60e3) * 60e3;
  };
  const out = [];
  // Align to the step in local time.
  const off = offset(win.start);
  let t = Math.floor((win.start + off) / Math.min(step, D)) * Math.min(step, D) - off;
  const fmtDay = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short' });
  const fmtHour = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const fmtYear = new Intl.DateTimeFormat('en-GB', { timeZone: zone, month: 'short', year: 'numeric' });
  let guard = 0;
  while (t <= win.end && guard++ < 400) {
    if (t >= win.start) {
      let label;
      if (step < D) {
        const h = fmtHour.format(new Date(t));
        label = h === '00:00' ? fmtDay.format(new Date(t)) : h;
      } else if (step >= 30 * D) label = fmtYear.format(new Date(t));
      else label = fmtDay.format(new Date(t));
      out.push({ t, label });
    }
    let next = t + step;
    if (step >= D) next -= offset(next) - offset(t); // across a change of offset
    t = next;
  }
  return out;
}

function el(name, attrs = {}, parent) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (parent) parent.append(e);
  return e;
}

// Draws `model` into `host`; returns { setWindow, window }. `onOpen(opens)` on a click.
export function drawTimeline(host, model, { onOpen = () => {}, tooltip, window: initial, onWindow } = {}) {
  host.innerHTML = '';
  host.classList.add('timeline');
  const bar = document.createElement('div');
  bar.className = 'timeline-bar';
  bar.innerHTML = `<button type="button" data-z="focus" title="The window where the events are">Events</button>
    <button type="button" data-z="all" title="Everything: reports, duties, periods">All</button>
    <button type="button" data-z="in" aria-label="Zoom in">+</button>
    <button type="button" data-z="out" aria-label="Zoom out">−</button>
    <span class="legend">
      <span class="lg permitted">●</span> permitted
      <span class="lg not_permitted">✕</span> not permitted
      <span class="lg notice">▲</span> notice
      <span class="lg delivery">■</span> delivery
      <span class="lg opens">⚑</span> a power opens
      <span class="lg breached">▬</span> duty breached
      <span class="lg period">▬</span> notice / cure period
      <span class="lg rec">◌</span> reconstructed instant
    </span>
    <span class="window-text"></span>`;
  host.append(bar);
  const svg = el('svg', { class: 'timeline-svg', role: 'img', 'aria-label': 'timeline' }, host);
  let win = { ...(initial || model.focus) };
  const clampWin = (w) => {
    const min = 3600e3; // one hour
    let { start, end } = w;
    if (end - start < min) {
      const c = (start + end) / 2;
      start = c - min / 2;
      end = c + min / 2;
    }
    const ext = model.extent;
    const pad = (ext.end - ext.start) * 0.5;
    if (end - start > ext.end - ext.start + 2 * pad) return { start: ext.start - pad, end: ext.end + pad };
    return { start, end };
  };

  function render() {
    const width = Math.max(500, host.clientWidth || 1000);
    const L = layout(model, win, width);
    svg.innerHTML = '';
    svg.setAttribute('width', width);
    svg.setAttribute('height', L.height);
    svg.setAttribute('viewBox', `0 0 ${width} ${L.height}`);
    const defs = el('defs', {}, svg);
    const clip = el('clipPath', { id: 'plot-clip' }, defs);
    el('rect', { x: L.plot.x0, y: 0, width: L.plot.x1 - L.plot.x0, height: L.height }, clip);
    const tk = ticks(win, L.plot.x1 - L.plot.x0, model.zone);
    // Grid and axis.
    const grid = el('g', { class: 'grid' }, svg);
    for (const t of tk) {
      const gx = L.x(t.t);
      el('line', { x1: gx, x2: gx, y1: 0, y2: L.axisY, class: 'gridline' }, grid);
      const label = el('text', { x: gx, y: L.axisY + 14, class: 'tick', 'text-anchor': 'middle' }, grid);
      label.textContent = t.label;
    }
    el('line', { x1: L.plot.x0, x2: L.plot.x1, y1: L.axisY, y2: L.axisY, class: 'axis' }, svg);
    const zoneText = el('text', { x: L.plot.x1, y: L.axisY + 29, class: 'tick', 'text-anchor': 'end' }, svg);
    zoneText.textContent = `times in ${model.zone}`;
    // Lanes.
    for (const lane of L.lanes) {
      const g = el('g', { class: 'lane', 'data-party': lane.party }, svg);
      el('rect', { x: 0, y: lane.y, width, height: lane.height, class: lane.index % 2 ? 'lane-bg odd' : 'lane-bg' }, g);
      const title = el('text', { x: 8, y: lane.markY + 4, class: 'lane-title' }, g);
      title.textContent = lane.name.length > 28 ? lane.name.slice(0, 27) + '…' : lane.name;
      el('title', {}, title).textContent = `${lane.name} (${lane.party})`;
      if (lane.hidden) {
        const more = el('text', { x: 8, y: lane.markY + 17, class: 'lane-more' }, g);
        more.textContent = `${lane.hidden} label${lane.hidden === 1 ? '' : 's'} hidden: zoom in`;
      }
      el('line', { x1: L.plot.x0, x2: L.plot.x1, y1: lane.markY, y2: lane.markY, class: 'lane-line' }, g);
      const inner = el('g', { 'clip-path': 'url(#plot-clip)' }, g);
      for (const item of lane.items.filter((i) => i.type === 'span')) drawSpan(inner, item, lane);
      for (const item of lane.items.filter((i) => i.type === 'mark')) drawMark(inner, item, lane);
      const labelled = lane.items.filter((item) => item.labelRow !== undefined && item.labelRow >= 0);
      // Leaders first, from each label down to its mark, so that labels are drawn over them.
      for (const item of labelled) {
        const lx = item.type === 'span' ? item.x0 : item.cx;
        el('line', { x1: lx, x2: lx, y1: item.ly + 3, y2: lane.markY - 7, class: 'leader' }, inner);
      }
      for (const item of labelled) {
        const t = el('text', { x: item.lx + 3, y: item.ly, class: `label ${item.d.kind}` }, inner);
        t.textContent = item.label;
      }
    }
    // Reports per day.
    drawBand(svg, L, model);
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: model.zone, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    bar.querySelector('.window-text').textContent = `${fmt.format(new Date(win.start))} – ${fmt.format(new Date(win.end))}`;
    if (onWindow) onWindow(win);
  }

  function interactive(node, d) {
    node.setAttribute('tabindex', '0');
    node.setAttribute('role', 'button');
    node.classList.add('hit');
    node.dataset.opens = JSON.stringify(d.opens);
    el('title', {}, node).textContent = d.tooltip;
    node.addEventListener('mouseenter', (e) => tooltip && tooltip.show(d.tooltip, e));
    node.addEventListener('mousemove', (e) => tooltip && tooltip.move(e));
    node.addEventListener('mouseleave', () => tooltip && tooltip.hide());
    node.addEventListener('click', (e) => {
      e.stopPropagation();
      tooltip && tooltip.hide();
      onOpen(d.opens);
    });
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onOpen(d.opens);
      }
    });
  }

  function drawSpan(g, item, lane) {
    const s = item.d;
    const cls = s.kind === 'breached' ? 'span breached' : 'span period';
    const r = el('rect', {
      x: item.x0, y: lane.markY - 5, width: Math.max(2, item.x1 - item.x0), height: 10,
      class: `${cls}${s.reconstructed ? ' reconstructed' : ''}`, 'data-kind': s.kind,
    }, g);
    interactive(r, s);
    if (s.open_ended) {
      const a = el('text', { x: item.x1 - 2, y: lane.markY + 4, class: 'arrow', 'text-anchor': 'end' }, g);
      a.textContent = '→';
    }
  }

  function drawMark(g, item, lane) {
    const m = item.d;
    const cx = item.cx;
    const cy = lane.markY;
    const group = el('g', { class: `mark ${m.kind}${m.reconstructed ? ' reconstructed' : ''}`, 'data-kind': m.kind, 'data-at': m.at_local }, g);
    switch (m.kind) {
      case 'permitted':
        el('circle', { cx, cy, r: 7 }, group);
        break;
      case 'not_permitted':
        el('path', { d: `M${cx - 6},${cy - 6} L${cx + 6},${cy + 6} M${cx + 6},${cy - 6} L${cx - 6},${cy + 6}`, class: 'cross' }, group);
        el('circle', { cx, cy, r: 8, class: 'ring' }, group);
        break;
      case 'notice':
        el('path', { d: `M${cx},${cy - 8} L${cx + 7},${cy + 5} L${cx - 7},${cy + 5} Z` }, group);
        break;
      case 'delivery':
        el('rect', { x: cx - 5.5, y: cy - 5.5, width: 11, height: 11 }, group);
        break;
      case 'fact':
        el('circle', { cx, cy, r: 4 }, group);
        break;
      default: // opens
        el('path', { d: `M${cx},${cy + 8} L${cx},${cy - 9} L${cx + 9},${cy - 5} L${cx},${cy - 1}` }, group);
    }
    // A wider, invisible target for the pointer.
    el('circle', { cx, cy, r: 11, class: 'target' }, group);
    interactive(group, m);
  }

  function drawBand(svg, L, model) {
    const g = el('g', { class: 'band' }, svg);
    el('rect', { x: 0, y: L.band.y, width: L.width, height: L.band.height, class: 'band-bg' }, g);
    const title = el('text', { x: 8, y: L.band.y + 16, class: 'lane-title' }, g);
    title.textContent = 'reports per day';
    if (model.reports_reconstructed) {
      const r = el('text', { x: 8, y: L.band.y + 30, class: 'lane-more' }, g);
      r.textContent = '(reconstructed)';
    }
    const max = Math.max(1, ...model.reports.map((d) => d.count));
    const scale = (L.band.height - 16) / max;
    const base = L.band.y + L.band.height - 4;
    const axis = el('text', { x: L.plot.x0 - 4, y: base - max * scale + 4, class: 'tick', 'text-anchor': 'end' }, g);
    axis.textContent = String(max);
    const zero = el('text', { x: L.plot.x0 - 4, y: base, class: 'tick', 'text-anchor': 'end' }, g);
    zero.textContent = '0';
    el('line', { x1: L.plot.x0, x2: L.plot.x1, y1: base, y2: base, class: 'axis' }, g);
    const inner = el('g', { 'clip-path': 'url(#plot-clip)' }, g);
    for (const d of model.reports) {
      const x0 = L.x(d.day);
      const x1 = L.x(d.day + 86400e3);
      if (x1 < L.plot.x0 || x0 > L.plot.x1) continue;
      const h = d.count * scale;
      const r = el('rect', {
        x: x0 + 0.5, y: base - h, width: Math.max(1, x1 - x0 - 1), height: h,
        class: `day${model.reports_reconstructed ? ' reconstructed' : ''}`,
      }, inner);
      el('title', {}, r).textContent = `${d.date}: ${d.count} post${d.count === 1 ? '' : 's'} reported${model.reports_reconstructed ? ' (reconstructed)' : ''}`;
    }
  }

  // Zoom around an instant, by a factor.
  function zoom(factor, at) {
    const c = at ?? (win.start + win.end) / 2;
    win = clampWin({ start: c - (c - win.start) * factor, end: c + (win.end - c) * factor });
    render();
  }
  bar.addEventListener('click', (e) => {
    const z = e.target.closest('button')?.dataset.z;
    if (z === 'focus') win = { ...model.focus };
    else if (z === 'all') win = { ...model.extent };
    else if (z === 'in') return zoom(0.5);
    else if (z === 'out') return zoom(2);
    else return;
    render();
  });
  const instantAt = (clientX) => {
    const rect = svg.getBoundingClientRect();
    const width = rect.width;
    const x0 = TITLE_WIDTH;
    const x1 = width - 12;
    const f = (clientX - rect.left - x0) / (x1 - x0);
    return win.start + f * (win.end - win.start);
  };
  svg.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, instantAt(e.clientX));
  }, { passive: false });
  let drag = null;
  svg.addEventListener('pointerdown', (e) => {
    if (e.target.closest('.hit')) return;
    drag = { x: e.clientX, win: { ...win } };
    svg.setPointerCapture(e.pointerId);
    svg.classList.add('dragging');
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const rect = svg.getBoundingClientRect();
    const per = (drag.win.end - drag.win.start) / (rect.width - TITLE_WIDTH - 12);
    const dt = (drag.x - e.clientX) * per;
    win = { start: drag.win.start + dt, end: drag.win.end + dt };
    render();
  });
  const stop = () => {
    drag = null;
    svg.classList.remove('dragging');
  };
  svg.addEventListener('pointerup', stop);
  svg.addEventListener('pointercancel', stop);
  const observer = new ResizeObserver(() => render());
  observer.observe(host);
  render();
  return {
    setWindow(w) {
      win = clampWin(w);
      render();
    },
    get window() {
      return win;
    },
  };
}
