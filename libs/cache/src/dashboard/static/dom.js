// Every string that reaches the page goes through text nodes: keys, values, tags and route
// names are users' data and must never be parsed as HTML.

export const $ = (id) => document.getElementById(id);

/** An element with attributes, listeners (`onclick`) and children (strings become text). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/** Replaces a node's content (text for strings). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null));
  return node;
}

/** A table from column titles and rows of cells (strings or nodes); a note when empty. */
export function table(columns, rows, empty = 'nothing yet') {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map((c) => el('th', {}, c)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((row) =>
        el(
          'tr',
          {},
          row.map((cell) => el('td', {}, cell)),
        ),
      ),
    ),
  );
}

/** <dt>/<dd> pairs; pairs whose value is undefined are left out. */
export function facts(node, pairs) {
  fill(
    node,
    pairs
      .filter(([, value]) => value !== undefined)
      .flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]),
  );
}

export const pct = (rate) => (typeof rate === 'number' ? `${(rate * 100).toFixed(1)} %` : '–');
export const ms = (n) =>
  typeof n === 'number' ? `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms` : '–';
export const num = (n) => (typeof n === 'number' ? n.toLocaleString('en') : '–');

export function bytes(n) {
  if (typeof n !== 'number') return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) [n, i] = [n / 1024, i + 1];
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** "a, b ,c" → ['a', 'b', 'c'] */
export const list = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Runs an async action from a button: disabled while it runs, errors shown in `out`. */
export async function busy(button, out, action) {
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    fill(out, el('span', { class: 'error' }, err.message));
  } finally {
    button.disabled = false;
  }
}
