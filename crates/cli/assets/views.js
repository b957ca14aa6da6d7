// Pieces of the run, compare, sweep and exercise views, drawn from the server's answers. Every
// sentence shown comes from the server (crates/cli/src/prose.rs through the API's `text`
// fields): nothing here writes prose about a run.

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

export function h(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

const RECONSTRUCTED = '<span class="rec-badge" title="reconstructed: not on the record; made by a documented generator or estimated">reconstructed</span>';

// The banner every view of reconstructed data carries.
export function reconstructedBanner(report) {
  if (!report.scenario.reconstructed) return '';
  const p = report.provenance;
  return `<p class="banner">RECONSTRUCTED DATA: ${p.posts_mark === 'reconstructed' ? `the ${p.posts} posts' times and labels are reconstructed` : 'some of this scenario is reconstructed'} (see the provenance below); figures resting on them rest on the reconstruction's assumptions, not on the record.</p>`;
}

// One card per verdict.
export function verdictCards(report) {
  return report.verdicts
    .map((v) => {
      const ok = v.permitted;
      const grounds = (v.grounds_in || [])
        .map((g) => `<button type="button" class="link clause-link" data-policy="${esc(g.policy)}" data-clause="${esc(g.clause)}">${esc(g.clause)}</button> ${esc(g.title)}`)
        .join('; ');
      const calls = v.assumptions.length
        ? `resting on ${v.assumptions.map((a) => `<code>${esc(a.name)}=${a.value}</code>`).join(', ')}`
        : 'rests on the facts of the timeline, no judgment call';
      const rec = v.reconstructed ? ` ${RECONSTRUCTED} <span class="dim">(${esc(v.reconstructed)})</span>` : '';
      const missing = !ok && v.missing_text?.length ? `<ul class="missing">${v.missing_text.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>` : '';
      const earliest = !ok && v.earliest_permitted_local ? `<p>earliest permitted: <strong>${esc(v.earliest_permitted_local)}</strong></p>` : '';
      const flips = !ok && v.would_be_permitted_if.length
        ? `<p>would be permitted if ${v.would_be_permitted_if.map((f) => `<code>${esc(f.assumption)}=${f.value}</code> (on ${esc(f.grounds.join(', '))})`).join(' or ')}</p>`
        : '';
      return `<article class="verdict ${ok ? 'ok' : 'no'}" data-event="${esc(v.event)}">
        <header><span class="word">${ok ? '✔ PERMITTED' : '✘ NOT PERMITTED'}</span>
        <strong>${esc(v.actor)} ${esc(v.action)} ${esc(v.against)}</strong> at ${esc(v.at_local)}${rec}</header>
        <p class="summary">${esc(v.summary)}</p>
        ${ok ? `<p>grounds: ${grounds}</p><p class="dim">${calls}</p>` : ''}
        ${missing}${earliest}${flips}
        <button type="button" class="explain" data-opens='${esc(JSON.stringify({ kind: 'verdict', event: v.event }))}'>Explain</button>
      </article>`;
    })
    .join('');
}

// The earliest instants, one row per power.
export function earliestTable(report) {
  const rows = report.earliest
    .map((e, i) => `<tr>
      <td><button type="button" class="link clause-link" data-policy="${esc(e.policy)}" data-clause="${esc(e.power)}">${esc(e.power)}</button></td>
      <td>${esc(e.title)}</td><td>${esc(e.holder)} ${esc(e.action)} ${esc(e.against)}</td>
      <td class="at">${e.at_local ? esc(e.at_local) : '<span class="dim">never</span>'}</td>
      <td class="dim">${esc(e.basis_text || '')}</td>
      <td><button type="button" class="explain" data-opens='${esc(JSON.stringify({ kind: 'earliest', index: i }))}'>Explain</button></td></tr>`)
    .join('');
  return `<table class="earliest"><thead><tr><th>power</th><th>title</th><th>who, what</th><th>earliest</th><th>notice arithmetic</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

// The duties, with their last state and counts.
export function dutiesTable(report) {
  const rows = report.duties
    .map((d, i) => {
      const t = d.tally;
      return `<tr><td><button type="button" class="link clause-link" data-policy="${esc(d.policy)}" data-clause="${esc(d.duty)}">${esc(d.duty)}</button></td>
        <td>${esc(d.title)}</td><td>${esc(d.holder)}</td><td><span class="state ${esc(d.last)}">${esc(d.last.replace('_', ' '))}</span></td>
        <td class="dim">at the end of the timeline: ${t.in_time.length} met in time, ${t.late.length} late, ${t.overdue.length} overdue, ${t.open.length} open</td>
        <td><button type="button" class="explain" data-opens='${esc(JSON.stringify({ kind: 'duty', index: i }))}'>History</button></td></tr>`;
    })
    .join('');
  return `<table class="duties"><thead><tr><th>duty</th><th>title</th><th>owed by</th><th>last state</th><th>subjects</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

// An explanation tree: nested <details>, the first levels open; each step links to its clause,
// posts and events.
export function tree(node, depth = 0) {
  const links = [];
  if (node.clause && typeof node.clause === 'object') links.push(`<button type="button" class="link clause-link" data-policy="${esc(node.clause.policy)}" data-clause="${esc(node.clause.id)}">clause ${esc(node.clause.id)}</button>`);
  if (node.post) links.push(`<button type="button" class="link post-link" data-post="${esc(node.post)}">post ${esc(node.post)}</button>`);
  if (node.event) links.push(`<button type="button" class="link event-link" data-event="${esc(node.event)}">${esc(node.event)}</button>`);
  const notice = node.basis?.notice || node.lack?.notice;
  if (notice) links.push(`<button type="button" class="link event-link" data-event="${esc(notice)}">${esc(notice)}</button>`);
  for (const s of node.shown || []) {
    if (s.post) links.push(`<button type="button" class="link post-link" data-post="${esc(s.post)}">${esc(s.post)}</button>`);
    if (s.demand) links.push(`<button type="button" class="link event-link" data-event="${esc(s.demand)}">${esc(s.demand)}</button>`);
  }
  const rec = node.reconstructed === true ? ` ${RECONSTRUCTED}` : '';
  const head = `<span class="step ${esc(node.kind)}">${esc(node.text)}</span>${rec} ${links.length ? `<span class="links">${links.join(' ')}</span>` : ''}`;
  if (!node.children?.length) return `<div class="leaf">${head}</div>`;
  return `<details ${depth < 2 ? 'open' : ''}><summary>${head}</summary><div class="children">${node.children.map((c) => tree(c, depth + 1)).join('')}</div></details>`;
}

// A clause's words.
export function clauseCard(report, policyId, clauseId) {
  const policy = report.policies.find((p) => p.id === policyId) || report.policies.find((p) => p.clauses.some((c) => c.id === clauseId));
  const c = policy?.clauses.find((x) => x.id === clauseId);
  if (!c) return `<p>No clause <code>${esc(clauseId)}</code> in the policies of this run.</p>`;
  const what = c.power
    ? `<p>power: ${esc(c.power.holder)} may ${esc(c.power.action)} ${esc(c.power.against)} when <code>${esc(c.power.condition)}</code></p>`
    : c.duty
      ? `<p>duty of ${esc(c.duty.holder)}, opened when ${esc(c.duty.opens)}, within ${esc(c.duty.within ?? 'no time limit')}, met when ${esc(c.duty.met_by)}</p>`
      : c.prohibition
        ? `<p>prohibits: <code>${esc(c.prohibition.condition)}</code></p>`
        : '';
  return `<article class="card clause-card"><h4>${esc(c.id)} ${esc(c.title)}${c.taken_out ? ' <span class="badge">taken out</span>' : ''}</h4>
    <blockquote>${esc(c.text)}</blockquote>
    <p class="dim">source: ${esc(c.source)}; ${esc(c.mark)}; in ${esc(policy.id)} (${esc(policy.file)})</p>${what}</article>`;
}

export function postCard(report, id) {
  const p = report.posts.find((x) => x.id === id);
  if (!p) return `<p>No post <code>${esc(id)}</code> is named in this run.</p>`;
  const fmt = (t) => (t ? esc(local(report, t)) : '<span class="dim">—</span>');
  return `<article class="card post-card"><h4>post ${esc(p.id)} ${p.mark === 'reconstructed' ? RECONSTRUCTED : ''}</h4>
    <p>${esc(p.description)}</p>
    <p>published ${fmt(p.published)}; reported ${fmt(p.reported)}; removed ${fmt(p.removed)}</p>
    <p class="dim">how it is known: ${esc(p.mark)}</p></article>`;
}

export function eventCard(report, id) {
  const e = report.events.find((x) => x.id === id);
  if (!e) return `<p>No event <code>${esc(id)}</code>.</p>`;
  const rec = e.mark === 'reconstructed' || e.reconstructed ? ` ${RECONSTRUCTED}` : '';
  return `<article class="card event-card"><h4>${esc(e.id)}: ${esc(e.kind)}${e.from ? ` from ${esc(e.from)}` : ''}${e.to ? ` to ${esc(e.to)}` : ''}${rec}</h4>
    <p>${esc(local(report, e.at))}</p><p>${esc(e.summary)}</p>
    ${e.cites?.length ? `<p>cites ${esc(e.cites.join(', '))}</p>` : ''}
    <p class="dim">how it is known: ${esc(e.mark)}${e.reconstructed ? `; reconstructed: ${esc(e.reconstructed)}` : ''}</p></article>`;
}

// A UTC instant shown in the scenario's zone, as the CLI shows it: `2021-01-09 18:00 PST`.
export function local(report, t) {
  const zone = report.scenario.zone;
  const d = new Date(t);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}

// A duty's history, for the explanation panel.
export function dutyHistory(report, index) {
  const d = report.duties[index];
  if (!d) return '';
  const rows = d.history
    .map((c) => `<tr><td class="at">${esc(c.at_local)}</td><td><span class="state ${esc(c.state)}">${esc(c.state.replace('_', ' '))}</span></td>
      <td>${esc(c.cause_text)} ${c.post ? `<button type="button" class="link post-link" data-post="${esc(c.post)}">post ${esc(c.post)}</button>` : ''}</td><td>${c.open_breaches}</td></tr>`)
    .join('');
  return `<h3>Duty ${esc(d.duty)} ${esc(d.title)} (${esc(d.holder)})</h3>
    <p><button type="button" class="link clause-link" data-policy="${esc(d.policy)}" data-clause="${esc(d.duty)}">the clause's words</button></p>
    <table class="history"><thead><tr><th>at</th><th>state</th><th>why</th><th>in breach</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function provenance(report, entry) {
  const p = report.provenance;
  const list = (title, items) => (items?.length ? `<h4>${title}</h4><ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '');
  return `<details class="provenance"><summary>Provenance: where the facts come from</summary>
    <p>${p.posts} posts (${esc(p.posts_file || 'none')}), ${esc(p.posts_mark)}${p.generator ? `; regenerated by <code>${esc(p.generator)}</code>` : ''}</p>
    ${list('On the record', p.record)}${list('Reported by the press', p.reported)}${list('Inferred', p.inferred)}${list('Reconstructed', p.reconstructed)}
    ${entry ? `<p class="dim">parties: ${entry.parties.map((x) => `${esc(x.id)} = ${esc(x.name)}`).join('; ')}</p>` : ''}</details>`;
}

// Problems as a list under an editor; each item moves the caret to its value.
export function problemList(view, file) {
  const mine = view.problems.filter((p) => !file || p.file === file || !p.file);
  if (!mine.length) return '<p class="ok-line">no problems</p>';
  return `<ul class="problems">${mine
    .map((p, i) => `<li class="${p.severity}" data-index="${i}"><strong>${p.severity}</strong>${p.line ? ` <span class="loc">${esc(p.file)}:${p.line}:${p.column}</span>` : p.file ? ` <span class="loc">${esc(p.file)}</span>` : ''}: ${esc(p.message)}${p.help ? `<div class="help">help: ${esc(p.help)}</div>` : ''}</li>`)
    .join('')}</ul>`;
}

// The CLI's rendering of problems, as it prints them.
export function rendered(view) {
  return view.rendered?.length ? `<pre class="rendered">${esc(view.rendered.join('\n'))}</pre>` : '';
}

// A sweep's chart: the share permitted of each action against the first axis with more than
// one value, with its 95% Wilson band. Durations on a time scale, numbers on a linear scale,
// anything else evenly spaced.
export function sweepChart(result, width = 900, height = 320) {
  const tally = result.tally;
  const axes = tally.axes;
  const ax = Math.max(0, axes.findIndex((a) => a.values.length > 1));
  const axis = axes[ax];
  const rows = result.rows.filter((r) => r.kind === 'permitted');
  const subjects = [...new Set(rows.map((r) => r.subject))];
  const values = axis ? axis.values : ['(one point)'];
  const hours = (v) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|minutes?|h|hours?|d|days?)?\s*$/i.exec(v);
    if (!m) return null;
    const n = parseFloat(m[1]);
    const u = (m[2] || '').toLowerCase();
    if (!u) return null;
    return u.startsWith('m') ? n / 60 : u.startsWith('d') ? n * 24 : n;
  };
  const dur = values.map(hours);
  const num = values.map((v) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? parseFloat(v) : null));
  const kind = dur.every((d) => d !== null) ? 'time' : num.every((n) => n !== null) ? 'number' : 'category';
  const pos = kind === 'time' ? dur : kind === 'number' ? num : values.map((_, i) => i);
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  const m = { l: 60, r: 20, t: 20, b: 52 };
  const X = (v) => (hi === lo ? (m.l + width - m.r) / 2 : m.l + ((v - lo) / (hi - lo)) * (width - m.l - m.r));
  const Y = (s) => m.t + (1 - s) * (height - m.t - m.b);
  const colours = ['#1f5fa8', '#b3412f', '#2d7d46', '#7a4fa0'];
  let svg = `<svg class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="share permitted against ${esc(axis?.name || '')}">`;
  for (const s of [0, 0.25, 0.5, 0.75, 1]) {
    svg += `<line x1="${m.l}" x2="${width - m.r}" y1="${Y(s)}" y2="${Y(s)}" class="gridline"/><text x="${m.l - 6}" y="${Y(s) + 4}" text-anchor="end" class="tick">${s}</text>`;
  }
  values.forEach((v, i) => {
    svg += `<text x="${X(pos[i])}" y="${height - m.b + 16}" text-anchor="middle" class="tick">${esc(v)}</text>`;
  });
  svg += `<text x="${(m.l + width - m.r) / 2}" y="${height - 8}" text-anchor="middle" class="axis-title">${esc(axis?.name || '')}${kind === 'time' ? ' (time scale, hours)' : ''}</text>`;
  svg += `<text transform="translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)" text-anchor="middle" class="axis-title">share of worlds permitted (95% Wilson band)</text>`;
  subjects.forEach((subject, k) => {
    const pts = values.map((v, i) => {
      const r = rows.find((x) => x.subject === subject && x.values[ax] === v);
      return r ? { x: X(pos[i]), s: +r.permitted_share, lo: +r.permitted_ci_low, hi: +r.permitted_ci_high, v } : null;
    }).filter(Boolean).sort((a, b) => a.x - b.x);
    const c = colours[k % colours.length];
    const band = pts.map((p) => `${p.x},${Y(p.hi)}`).concat([...pts].reverse().map((p) => `${p.x},${Y(p.lo)}`)).join(' ');
    svg += `<polygon points="${band}" fill="${c}" fill-opacity="0.15" stroke="none"/>`;
    svg += `<polyline points="${pts.map((p) => `${p.x},${Y(p.s)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`;
    for (const p of pts) svg += `<circle cx="${p.x}" cy="${Y(p.s)}" r="3.5" fill="${c}"><title>${esc(subject)} at ${esc(p.v)}: ${p.s} [${p.lo}, ${p.hi}]</title></circle>`;
    svg += `<text x="${m.l + 8}" y="${m.t + 14 + 14 * k}" fill="${c}" class="legend-text">${esc(subject)}</text>`;
  });
  return svg + '</svg>';
}
