// The classroom: routes (in the URL's fragment, so a link reproduces a view), the API, and the
// five views: pick a scenario, run (edit, replay, read), compare, sweep, exercises.
//
// A what-if is shared as a link: `#/run?s=SCENARIO&r=REFORM,...&e=EDITS`, where EDITS is the
// edited files ({path: text}) as JSON, deflated and base64url-encoded. Opening the link in
// another browser replays the same run.

import { createEditor } from './editor.js';
import { drawTimeline } from './timeline.js';
import * as V from './views.js';

const { esc, h } = V;
const main = document.getElementById('main');
const statusLine = document.getElementById('status');
let library = null;

// ---- the API -----------------------------------------------------------------------------

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const r = await fetch(path, init);
  let data = null;
  try {
    data = await r.json();
  } catch {
    data = { errors: 1, problems: [{ severity: 'error', message: `the server answered ${r.status}` }], rendered: [] };
  }
  return { ok: r.ok, status: r.status, data };
}

async function getLibrary() {
  if (!library) library = (await api('/api/library')).data;
  return library;
}

const fileCache = new Map();
async function fileText(path) {
  if (!fileCache.has(path)) {
    const r = await api(`/api/file?path=${encodeURIComponent(path)}`);
    fileCache.set(path, r.ok ? r.data.text : '');
  }
  return fileCache.get(path);
}

function status(text) {
  statusLine.textContent = text || '';
}

// ---- links -------------------------------------------------------------------------------

function b64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function unb64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}
export async function encodeEdits(edits) {
  if (!Object.keys(edits).length) return '';
  const json = new TextEncoder().encode(JSON.stringify(edits));
  return b64url(await pipe(json, new CompressionStream('deflate-raw')));
}
export async function decodeEdits(text) {
  if (!text) return {};
  const bytes = await pipe(unb64url(text), new DecompressionStream('deflate-raw'));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query || '') };
}

async function linkFor(view, state) {
  const q = new URLSearchParams();
  q.set('s', state.scenario);
  if (state.reforms.length) q.set('r', state.reforms.join(','));
  const e = await encodeEdits(state.edits);
  if (e) q.set('e', e);
  return `${location.origin}${location.pathname}#/${view}?${q.toString()}`;
}

// ---- the tooltip -------------------------------------------------------------------------

const tipBox = document.getElementById('tooltip');
const tooltip = {
  show(text, e) {
    tipBox.textContent = text;
    tipBox.hidden = false;
    this.move(e);
  },
  move(e) {
    const w = tipBox.offsetWidth;
    const x = Math.min(e.clientX + 14, window.innerWidth - w - 8);
    tipBox.style.left = `${x}px`;
    tipBox.style.top = `${e.clientY + 16}px`;
  },
  hide() {
    tipBox.hidden = true;
  },
};

// ---- routes ------------------------------------------------------------------------------

async function route() {
  const { path, params } = parseHash();
  const [, view, arg] = path.split('/');
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === (view || 'pick') || (view === 'exercise' && a.dataset.nav === 'exercises')));
  await getLibrary();
  tooltip.hide();
  try {
    if (!view) return pick();
    if (view === 'run') return await runView(params);
    if (view === 'compare') return await compareView(params);
    if (view === 'sweep') return await sweepView(params);
    if (view === 'exercises') return exercisesView();
    if (view === 'exercise') return await exerciseView(decodeURIComponent(arg || ''));
    main.innerHTML = '<p>No such view. <a href="#/">Pick a scenario</a>.</p>';
  } catch (err) {
    main.innerHTML = `<p class="error">Something went wrong: ${esc(err.message)}</p>`;
  }
}
window.addEventListener('hashchange', route);
route();

// ---- pick --------------------------------------------------------------------------------

function pick() {
  const cards = library.scenarios
    .map((s) => `<article class="card scenario" data-file="${esc(s.file)}">
      <h3>${esc(s.title)}</h3>
      <p>${esc(s.about || '')}</p>
      <p class="dim">${esc(s.file)} · times in ${esc(s.zone)} · ${s.posts} posts ${s.posts_mark === 'reconstructed' ? '<span class="rec-badge">reconstructed</span>' : `(${esc(s.posts_mark)})`}</p>
      <p><strong>Parties:</strong> ${s.parties.map((p) => `${esc(p.name)} <span class="dim">(${esc(p.id)})</span>`).join(', ')}</p>
      <p><strong>Policies:</strong> ${s.policies.map(esc).join(', ')}</p>
      ${s.provenance.reconstructed.length ? `<details><summary>What is reconstructed</summary><ul>${s.provenance.reconstructed.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></details>` : ''}
      <p class="actions"><a class="button" href="#/run?s=${encodeURIComponent(s.file)}">Open and replay</a>
      <a href="#/compare?s=${encodeURIComponent(s.file)}">Compare a reform</a>
      ${s.model.length ? `<a href="#/sweep?s=${encodeURIComponent(s.file)}">Sweep</a>` : ''}</p>
    </article>`)
    .join('');
  main.innerHTML = `<h1>Pick a scenario</h1><div class="cards">${cards}</div>
    <p class="dim">Served by <code>modsim serve</code> ${esc(library.version)}: nothing here is loaded from the network, and the exercises' answer keys stay on the server.</p>`;
}

// ---- run ---------------------------------------------------------------------------------

// The state of a run view: the scenario, the reforms applied, the edited files.
async function stateFrom(params) {
  const scenario = params.get('s') || library.scenarios[0]?.file;
  const reforms = (params.get('r') || '').split(',').filter(Boolean);
  let edits = {};
  try {
    edits = await decodeEdits(params.get('e') || '');
  } catch {
    status('the link’s edits could not be read; showing the files as shipped');
  }
  return { scenario, reforms, edits };
}

function entryOf(file) {
  return library.scenarios.find((s) => s.file === file);
}

// The files panel: tabs for the scenario, its policies and the reforms; an editor; problems.
async function filesPanel(panel, state, onEdited) {
  const entry = entryOf(state.scenario);
  const tabs = [{ path: state.scenario, label: 'scenario' }];
  for (const p of entry?.policies || []) tabs.push({ path: p, label: p.split('/').pop() });
  for (const r of state.reforms) tabs.push({ path: r, label: r.split('/').pop() });
  for (const p of Object.keys(state.edits)) if (!tabs.some((t) => t.path === p)) tabs.push({ path: p, label: p.split('/').pop() });
  panel.innerHTML = `<div class="tabs" role="tablist">${tabs.map((t, i) => `<button type="button" role="tab" data-path="${esc(t.path)}" class="${i === 1 || (tabs.length === 1 && i === 0) ? 'active' : ''}">${esc(t.label)}${state.edits[t.path] !== undefined ? ' •' : ''}</button>`).join('')}</div>
    <div class="editor-host"></div>
    <div class="edit-bar"><span class="file-name"></span> <button type="button" class="revert">Revert this file</button></div>
    <div class="problems-host" aria-live="polite"></div>`;
  const host = panel.querySelector('.editor-host');
  const problemsHost = panel.querySelector('.problems-host');
  let current = (panel.querySelector('.tabs .active') || panel.querySelector('.tabs button')).dataset.path;
  let lastProblems = { problems: [], rendered: [] };
  const editor = createEditor(host, {
    label: 'file being edited',
    onChange(text) {
      fileText(current).then((original) => {
        if (text === original) delete state.edits[current];
        else state.edits[current] = text;
        panel.querySelector(`.tabs [data-path="${CSS.escape(current)}"]`).textContent = `${current.split('/').pop()}${state.edits[current] !== undefined ? ' •' : ''}`;
        onEdited();
      });
    },
  });
  async function show(path) {
    current = path;
    panel.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.dataset.path === path));
    panel.querySelector('.file-name').textContent = path;
    editor.text = state.edits[path] ?? (await fileText(path));
    showProblems(lastProblems);
  }
  function showProblems(view) {
    lastProblems = view;
    editor.setProblems(view.problems.filter((p) => p.file === current));
    const others = view.problems.filter((p) => p.file !== current);
    problemsHost.innerHTML = V.problemList({ problems: view.problems.filter((p) => p.file === current || !p.file) }) +
      (others.length ? `<p class="dim">${others.length} problem${others.length === 1 ? '' : 's'} in other files: ${[...new Set(others.map((p) => p.file))].map(esc).join(', ')}</p>` : '');
    problemsHost.querySelectorAll('li').forEach((li) => {
      li.addEventListener('click', () => editor.reveal(view.problems.filter((p) => p.file === current || !p.file)[+li.dataset.index]));
    });
  }
  panel.querySelector('.tabs').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (b) show(b.dataset.path);
  });
  panel.querySelector('.revert').addEventListener('click', async () => {
    delete state.edits[current];
    await show(current);
    onEdited();
  });
  await show(current);
  return { showProblems, editor, get current() { return current; } };
}

function runBody(state) {
  return { scenario: state.scenario, edits: state.edits, reforms: state.reforms };
}

// Opens an explanation (a verdict's, an earliest instant's, a duty's history, an event) in the
// panel, and the clause, post or event cards its steps link to.
function explainer(panel, getReport) {
  function open(opens) {
    const report = getReport();
    let html = '';
    if (opens.kind === 'verdict') {
      const v = report.verdicts.find((x) => x.event === opens.event);
      if (v) html = `<h3>Why: ${esc(v.actor)} ${esc(v.action)} ${esc(v.against)} at ${esc(v.at_local)}</h3>${v.explanation ? V.tree(v.explanation) : ''}`;
    } else if (opens.kind === 'earliest') {
      const e = report.earliest[opens.index];
      if (e) html = `<h3>When ${esc(e.power)} ${esc(e.title)} opens: ${esc(e.at_local || 'never')}</h3>${e.explanation ? V.tree(e.explanation) : ''}`;
    } else if (opens.kind === 'duty') {
      html = V.dutyHistory(report, opens.index);
    } else if (opens.kind === 'event') {
      html = `<h3>Event ${esc(opens.id)}</h3>${V.eventCard(report, opens.id)}`;
    }
    const folds = panel.dataset.folds !== 'no' && /<details/.test(html)
      ? '<p class="folds"><button type="button" class="unfold">Unfold all</button> <button type="button" class="fold">Fold all</button></p>'
      : '';
    panel.innerHTML = `<div class="explanation-body">${folds}${html}</div><div class="cards-side"></div>`;
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest', behavior: 'instant' });
  }
  panel.addEventListener('click', (e) => {
    const fold = e.target.closest('button.unfold, button.fold');
    if (fold) {
      panel.querySelectorAll('details').forEach((d) => { d.open = fold.classList.contains('unfold'); });
      return;
    }
    const b = e.target.closest('button.link');
    if (!b) return;
    e.preventDefault();
    const report = getReport();
    const side = panel.querySelector('.cards-side');
    if (b.classList.contains('clause-link')) side.innerHTML = V.clauseCard(report, b.dataset.policy, b.dataset.clause);
    else if (b.classList.contains('post-link')) side.innerHTML = V.postCard(report, b.dataset.post);
    else if (b.classList.contains('event-link')) side.innerHTML = V.eventCard(report, b.dataset.event);
  });
  return open;
}

async function runView(params) {
  const state = await stateFrom(params);
  const entry = entryOf(state.scenario);
  if (!entry) {
    main.innerHTML = `<p class="error">The server offers no scenario <code>${esc(state.scenario)}</code>. <a href="#/">Pick one</a>.</p>`;
    return;
  }
  main.innerHTML = `<div class="run-layout">
    <section class="left">
      <h2>Files <span class="dim">(edit; problems are checked as you type)</span></h2>
      <div class="reforms"><strong>Reforms:</strong> ${library.reforms.map((r) => `<label title="${esc(r.title)}"><input type="checkbox" value="${esc(r.file)}" ${state.reforms.includes(r.file) ? 'checked' : ''}> ${esc(r.id)}</label>`).join(' ')}
        <button type="button" class="new-reform">New reform</button></div>
      <div class="files"></div>
      <div class="run-bar"><button type="button" class="primary replay">Replay</button>
        <label><input type="checkbox" class="auto" checked> replay as I type</label>
        <button type="button" class="share">Share link</button>
        <a class="to-compare" href="#">Compare with the baseline</a></div>
      <input class="share-url" readonly hidden aria-label="link to this run">
    </section>
    <section class="right"><div class="results"><p class="dim">Replaying…</p></div></section>
  </div>`;
  let report = null;
  const results = main.querySelector('.results');
  let checkTimer = null;
  let generation = 0;
  const files = await filesPanel(main.querySelector('.files'), state, () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(checkAndMaybeRun, 350);
  });
  async function checkAndMaybeRun() {
    const mine = ++generation;
    const r = await api('/api/check', runBody(state));
    if (mine !== generation) return;
    files.showProblems(r.data);
    if (r.data.errors === 0 && main.querySelector('.auto').checked) replay();
  }
  async function replay() {
    const mine = ++generation;
    status('replaying…');
    const r = await api('/api/run', runBody(state));
    if (mine !== generation) return;
    status('');
    if (!r.ok) {
      files.showProblems(r.data);
      results.innerHTML = `<h2>The run has problems</h2>${V.problemList(r.data)}${V.rendered(r.data)}`;
      return;
    }
    report = r.data;
    files.showProblems(report.warnings || { problems: [] });
    drawRun(results, report, entry, () => report);
    history.replaceState(null, '', await linkFor('run', state));
    main.querySelector('.to-compare').href = (await linkFor('compare', state)).replace(location.origin + location.pathname, '');
  }
  main.querySelector('.replay').addEventListener('click', replay);
  main.querySelector('.reforms').addEventListener('change', async (e) => {
    if (e.target.type !== 'checkbox') return;
    state.reforms = [...main.querySelectorAll('.reforms input:checked')].map((i) => i.value);
    await filesPanel(main.querySelector('.files'), state, () => {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(checkAndMaybeRun, 350);
    }).then((f) => Object.assign(files, { showProblems: f.showProblems }));
    replay();
  });
  main.querySelector('.new-reform').addEventListener('click', async () => {
    const path = `scratch/reform-${Object.keys(state.edits).length + 1}.toml`;
    const policyId = (await api('/api/run', runBody(state))).data?.policies?.[0]?.id || 'POLICY-ID';
    state.edits[path] = `# A reform of ${policyId} (docs/reform-format.md)\n[reform]\nid = "my-reform"\ntitle = "My reform"\napplies_to = "${policyId}"\nremove = []\n`;
    state.reforms.push(path);
    const f = await filesPanel(main.querySelector('.files'), state, () => {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(checkAndMaybeRun, 350);
    });
    files.showProblems = f.showProblems;
    replay();
  });
  main.querySelector('.share').addEventListener('click', async () => {
    const url = await linkFor('run', state);
    const field = main.querySelector('.share-url');
    field.value = url;
    field.hidden = false;
    field.select();
    try {
      await navigator.clipboard.writeText(url);
      status('link copied');
    } catch {
      status('link ready to copy');
    }
  });
  await replay();
}

// The results of one run: verdicts, timeline, explanation panel, earliest instants, duties.
function drawRun(results, report, entry, getReport, { timelineWindow, onWindow, compact } = {}) {
  results.innerHTML = `<header class="run-head"><h2>${esc(report.scenario.title)}</h2>
      <p class="dim">${esc(report.scenario.file)} · times in ${esc(report.scenario.zone)} · policies: ${report.policies.map((p) => `${esc(p.id)}${p.reforms.length ? ` with ${esc(p.reforms.join(', '))}` : ''}${p.taken_out.length ? ` (taken out: ${esc(p.taken_out.join(', '))})` : ''}`).join('; ')}</p>
      ${V.reconstructedBanner(report)}</header>
    <h3>Verdicts</h3><div class="verdicts">${V.verdictCards(report)}</div>
    <h3>Timeline <span class="dim">(wheel or buttons to zoom, drag to pan; click a mark for its explanation)</span></h3>
    <div class="timeline-host"></div>
    <section class="explanation" hidden aria-live="polite"></section>
    ${compact ? '' : `<h3>Earliest instants</h3>${V.earliestTable(report)}<h3>Duties</h3>${V.dutiesTable(report)}${V.provenance(report, entry)}`}`;
  const panel = results.querySelector('.explanation');
  const open = explainer(panel, getReport);
  results.addEventListener('click', (e) => {
    const b = e.target.closest('button.explain');
    if (b) open(JSON.parse(b.dataset.opens));
    const c = e.target.closest('.verdicts button.clause-link, table button.clause-link');
    if (c) {
      panel.hidden = false;
      panel.innerHTML = `<div class="explanation-body">${V.clauseCard(report, c.dataset.policy, c.dataset.clause)}</div><div class="cards-side"></div>`;
    }
  });
  return drawTimeline(results.querySelector('.timeline-host'), report.timeline, { onOpen: open, tooltip, window: timelineWindow, onWindow });
}

// ---- compare -----------------------------------------------------------------------------

async function compareView(params) {
  const state = await stateFrom(params);
  const entry = entryOf(state.scenario);
  if (!entry) {
    main.innerHTML = '<p class="error">No such scenario. <a href="#/">Pick one</a>.</p>';
    return;
  }
  if (!state.reforms.length) {
    const fit = library.reforms.find((r) => r.file.includes('thirty-days')) || library.reforms[0];
    if (fit) state.reforms = [fit.file];
  }
  main.innerHTML = `<h1>Compare: ${esc(entry.title)}</h1>
    <div class="reforms"><strong>Reforms against the baseline:</strong> ${library.reforms.map((r) => `<label title="${esc(r.title)}"><input type="checkbox" value="${esc(r.file)}" ${state.reforms.includes(r.file) ? 'checked' : ''}> ${esc(r.id)}</label>`).join(' ')}
    <a href="#" class="to-run">Open in the run view</a></div>
    <div class="compare-results"><p class="dim">Comparing…</p></div>`;
  main.querySelector('.reforms').addEventListener('change', async () => {
    state.reforms = [...main.querySelectorAll('.reforms input:checked')].map((i) => i.value);
    location.hash = (await linkFor('compare', state)).split('#')[1];
  });
  main.querySelector('.to-run').href = '#' + (await linkFor('run', state)).split('#')[1];
  const out = main.querySelector('.compare-results');
  if (!state.reforms.length) {
    out.innerHTML = '<p>Choose a reform to compare with the baseline.</p>';
    return;
  }
  const r = await api('/api/compare', runBody(state));
  if (!r.ok) {
    out.innerHTML = `<h2>The comparison has problems</h2>${V.problemList(r.data)}${V.rendered(r.data)}`;
    return;
  }
  const c = r.data;
  const diffs = c.runs.slice(1).map((run) => {
    const mine = c.differences.filter((d) => d.alternative === run.label);
    return `<section class="diff-group"><h2>${esc(run.label)}: ${mine.length} difference${mine.length === 1 ? '' : 's'}</h2>
      <table class="differences"><thead><tr><th></th><th>what</th><th>baseline</th><th></th><th>${esc(run.label)}</th><th>change</th></tr></thead><tbody>
      ${mine.map((d) => `<tr class="${esc(d.kind)}"><td><span class="kind">${esc(d.kind.replace('_', ' '))}</span></td><td>${esc(d.subject)}</td><td>${esc(d.baseline)}</td><td>→</td><td><strong>${esc(d.value)}</strong></td><td class="change">${esc(d.change || '')}</td></tr>`).join('')}
      </tbody></table></section>`;
  });
  out.innerHTML = `${diffs.join('')}<div class="side-by-side">${c.runs.map((run, i) => `<section class="run-col" data-run="${i}"><h2>${esc(run.label)}</h2><div class="results"></div></section>`).join('')}</div>`;
  // Both timelines on one window: moving one moves the others.
  const timelines = [];
  let syncing = false;
  c.runs.forEach((run, i) => {
    const host = out.querySelector(`[data-run="${i}"] .results`);
    const t = drawRun(host, run.run, entry, () => run.run, {
      compact: true,
      timelineWindow: c.runs[0].run.timeline.focus,
      onWindow(w) {
        if (syncing) return;
        syncing = true;
        timelines.forEach((o, j) => j !== i && o && o.setWindow(w));
        syncing = false;
      },
    });
    timelines[i] = t;
  });
}

// ---- sweep -------------------------------------------------------------------------------

async function sweepView(params) {
  const state = await stateFrom(params);
  const entry = entryOf(state.scenario) || library.scenarios.find((s) => s.model.length);
  if (!entry) {
    main.innerHTML = '<p>No scenario here has a model to draw worlds from.</p>';
    return;
  }
  state.scenario = entry.file;
  const L = library.limits;
  main.innerHTML = `<h1>Sweep: ${esc(entry.title)}</h1>
    <form class="sweep-form">
      <p>Vary up to four names: a model parameter (${entry.model.map((m) => `<code>${esc(m)}</code>`).join(', ') || 'none'}), a policy parameter or a judgment call. Values comma-separated.</p>
      <div class="axes">
        <div class="axis"><input name="name" value="removal_probability" aria-label="name"> = <input name="values" value="1" aria-label="values"></div>
        <div class="axis"><input name="name" value="removal_delay_median" aria-label="name"> = <input name="values" value="1h,6h,24h,72h" aria-label="values"></div>
      </div>
      <p><label>replicates per point <input name="replicates" type="number" value="200" min="1" max="${L.sweep_replicates}"></label>
      <label>seed <input name="seed" type="number" value="7" min="0"></label>
      <button type="button" class="add-axis">Add a name</button>
      <button type="submit" class="primary">Sweep</button></p>
      <p class="dim">The server runs at most ${L.sweep_replays} worlds per sweep (${L.sweep_points} points, ${L.sweep_replicates} replicates each) within ${L.sweep_seconds} s; larger sweeps belong to <code>modsim sweep</code> on your own machine.</p>
    </form>
    <progress class="sweep-progress" value="0" max="1" hidden></progress> <span class="sweep-count"></span>
    <div class="sweep-results"></div>`;
  const form = main.querySelector('.sweep-form');
  form.querySelector('.add-axis').addEventListener('click', () => {
    form.querySelector('.axes').append(h('<div class="axis"><input name="name" aria-label="name"> = <input name="values" aria-label="values"></div>'));
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const vary = [...form.querySelectorAll('.axis')]
      .map((a) => [a.querySelector('[name=name]').value.trim(), a.querySelector('[name=values]').value.split(',').map((v) => v.trim()).filter(Boolean)])
      .filter(([n]) => n);
    const body = { run: runBody(state), vary, replicates: +form.replicates.value, seed: +form.seed.value };
    const bar = main.querySelector('.sweep-progress');
    const count = main.querySelector('.sweep-count');
    const out = main.querySelector('.sweep-results');
    bar.hidden = false;
    bar.value = 0;
    out.innerHTML = '';
    const r = await fetch('/api/sweep', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) {
      const data = await r.json();
      out.innerHTML = V.problemList(data) + V.rendered(data);
      bar.hidden = true;
      return;
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (line.total !== undefined) {
          bar.max = line.total;
          bar.value = line.progress;
          count.textContent = `${line.progress} / ${line.total} worlds`;
        } else if (line.result) {
          bar.hidden = true;
          out.innerHTML = `${V.sweepChart(line.result)}<table class="sweep-table"><thead><tr><th>point</th><th>what</th><th>share</th><th>95% interval</th><th>p50</th></tr></thead><tbody>${line.result.rows.filter((x) => x.kind !== 'permitted_on').map((x) => `<tr><td>${esc(x.values.join(', '))}</td><td>${esc(x.kind === 'earliest' ? `${x.subject} never opens` : x.subject)}</td><td>${esc(x.kind === 'earliest' ? x.never_open_share : x.permitted_share)}</td><td>${x.kind === 'earliest' ? '' : `[${esc(x.permitted_ci_low)}, ${esc(x.permitted_ci_high)}]`}</td><td>${esc(x.p50)}</td></tr>`).join('')}</tbody></table>
            <p class="dim">These shares rest on the scenario model's assumptions${entry.posts_mark === 'reconstructed' ? ' and on reconstructed data' : ''}, not on the record.</p>`;
        } else if (line.problems) {
          bar.hidden = true;
          out.innerHTML = V.problemList(line.problems) + V.rendered(line.problems);
        }
      }
    }
  });
}

// ---- exercises ---------------------------------------------------------------------------

function exercisesView() {
  main.innerHTML = `<h1>Exercises</h1><ol class="exercise-list">${library.exercises
    .map((e) => `<li><a href="#/exercise/${encodeURIComponent(e.id)}">${esc(e.title)}</a> <span class="dim">${e.work === 'none' ? '' : `(hand in a ${esc(e.work)})`}${e.graded ? '' : ' · no key on this server'}</span></li>`)
    .join('')}</ol>`;
}

async function exerciseView(id) {
  const r = await api(`/api/exercise/${encodeURIComponent(id)}`);
  if (!r.ok) {
    main.innerHTML = `<p class="error">${esc(r.data.problems?.[0]?.message || 'no such exercise')}</p>`;
    return;
  }
  const x = r.data;
  const saved = localStorage.getItem(`modsim-work:${x.id}`);
  main.innerHTML = `<div class="exercise-layout">
    <section class="handout"><div class="handout-text">${x.handout}</div>
      <p><a href="#/run?s=${encodeURIComponent(x.scenario)}">Open the exercise's scenario in the run view</a></p></section>
    <section class="work">
      <h2>${x.work === 'none' ? 'Check the exercise' : `Your ${esc(x.work)}`}</h2>
      ${x.work === 'none' ? '<p class="dim">This exercise is answered by reading the run; the check replays it as given.</p>' : '<div class="work-editor"></div><div class="problems-host"></div>'}
      <p><button type="button" class="primary grade" ${x.graded ? '' : 'disabled'}>Check my answer</button>
      ${x.work === 'none' ? '' : '<button type="button" class="reset">Start again</button>'}
      ${x.graded ? '' : '<span class="dim">no key on this server: ask your instructor to start it with <code>--answers-dir</code></span>'}</p>
      <div class="grade-results" aria-live="polite"></div>
    </section></div>`;
  let editor = null;
  if (x.work !== 'none') {
    editor = createEditor(main.querySelector('.work-editor'), {
      label: `your ${x.work}`,
      text: saved ?? x.starter,
      onChange(text) {
        localStorage.setItem(`modsim-work:${x.id}`, text);
      },
    });
    main.querySelector('.reset').addEventListener('click', () => {
      editor.text = x.starter;
      localStorage.removeItem(`modsim-work:${x.id}`);
    });
  }
  main.querySelector('.grade').addEventListener('click', async () => {
    const out = main.querySelector('.grade-results');
    out.innerHTML = '<p class="dim">Checking…</p>';
    const g = await api(`/api/exercise/${encodeURIComponent(x.id)}/check`, { work: editor ? editor.text : '' });
    const d = g.data;
    if (!g.ok || d.outcome === 'problems') {
      const view = d.outcome === 'problems' ? d : d;
      if (editor) editor.setProblems(view.problems.filter((p) => p.file === 'scratch/my-work.toml'));
      out.innerHTML = `<h3>Fix these first</h3>${V.problemList(view)}${V.rendered(view)}`;
      return;
    }
    if (editor) editor.setProblems([]);
    out.innerHTML = `<h3 class="${d.failed ? 'fail' : 'pass'}">${d.passed} passed, ${d.failed} failed</h3>
      <ul class="cases">${d.cases.map((c) => `<li class="${c.passed ? 'pass' : 'fail'}"><strong>${c.passed ? '✔' : '✘'}</strong> ${esc(c.case)}: your run gives <em>${esc(c.actual)}</em>${c.message ? `<div class="key-message">${esc(c.message)}</div>` : ''}</li>`).join('')}</ul>
      ${d.counterexample ? `<h3>A timeline on which your work and the reference part (${d.counterexample.events} events)</h3>
        <ul>${d.counterexample.differences.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>
        <pre class="counterexample">${esc(d.counterexample.text)}</pre>` : ''}`;
  });
}
