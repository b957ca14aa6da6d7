// A small code editor: a plain <textarea> (so typing, undo, selection and the browser's own
// tools work as everywhere) over a layer that draws the same text with the problems of
// `modsim check` underlined, and a gutter of line numbers marking the lines with a problem.
// No dependency, no build step.

const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

// The UTF-16 index of a 1-based line and column (in characters, as the CLI counts them).
export function indexOf(text, line, column) {
  let i = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', i);
    if (next < 0) return text.length;
    i = next + 1;
  }
  let c = 1;
  while (c < column && i < text.length && text[i] !== '\n') {
    const code = text.codePointAt(i);
    i += code > 0xffff ? 2 : 1;
    c++;
  }
  return i;
}

export function createEditor(parent, { text = '', label = 'file', onChange = () => {} } = {}) {
  const root = document.createElement('div');
  root.className = 'editor';
  root.innerHTML = `<div class="gutter" aria-hidden="true"></div>
    <div class="code"><pre class="layer" aria-hidden="true"></pre><textarea spellcheck="false" autocapitalize="off" autocomplete="off" wrap="off" aria-label="${esc(label)}"></textarea></div>`;
  parent.append(root);
  const gutter = root.querySelector('.gutter');
  const layer = root.querySelector('.layer');
  const area = root.querySelector('textarea');
  let problems = [];
  area.value = text;

  function draw() {
    const t = area.value;
    // Problem ranges as UTF-16 indices, errors over warnings.
    const ranges = problems
      .filter((p) => p.line)
      .map((p) => {
        const start = indexOf(t, p.line, p.column);
        let end = p.end_line ? indexOf(t, p.end_line, p.end_column) : start;
        if (end <= start) {
          end = start + 1;
          if (t[start] === '\n' || start >= t.length) end = start; // an empty span: a caret mark
        }
        return { start, end, p };
      })
      .sort((a, b) => a.start - b.start);
    let html = '';
    let at = 0;
    for (const r of ranges) {
      if (r.start < at) continue; // overlapping: the first wins
      html += esc(t.slice(at, r.start));
      const cls = r.p.severity === 'error' ? 'squiggle error' : 'squiggle warning';
      const inner = r.end > r.start ? esc(t.slice(r.start, r.end)) : '';
      html += `<span class="${cls}${inner ? '' : ' caret'}" data-message="${esc(r.p.message)}">${inner}</span>`;
      at = Math.max(at, r.end);
    }
    html += esc(t.slice(at)) + '\n';
    layer.innerHTML = html;
    const lines = t.split('\n').length;
    const marked = new Map();
    for (const p of problems) {
      if (!p.line) continue;
      const was = marked.get(p.line);
      if (!was || p.severity === 'error') marked.set(p.line, p);
    }
    let g = '';
    for (let i = 1; i <= lines; i++) {
      const p = marked.get(i);
      g += p
        ? `<div class="ln ${p.severity}" title="${esc(p.message)}">${i}</div>`
        : `<div class="ln">${i}</div>`;
    }
    gutter.innerHTML = g;
    sync();
  }

  function sync() {
    layer.style.transform = `translate(${-area.scrollLeft}px, ${-area.scrollTop}px)`;
    gutter.scrollTop = area.scrollTop;
  }

  area.addEventListener('input', () => {
    draw();
    onChange(area.value);
  });
  area.addEventListener('scroll', sync);
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
      draw();
      onChange(area.value);
    }
  });
  draw();

  return {
    root,
    get text() {
      return area.value;
    },
    set text(v) {
      area.value = v;
      draw();
    },
    setProblems(list) {
      problems = list || [];
      draw();
    },
    // Puts the caret on a problem's value and shows it.
    reveal(p) {
      if (!p.line) return;
      const t = area.value;
      const start = indexOf(t, p.line, p.column);
      const end = p.end_line ? indexOf(t, p.end_line, p.end_column) : start;
      area.focus();
      area.setSelectionRange(start, Math.max(start, end));
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (p.line - 4) * lineHeight);
      sync();
    },
  };
}
