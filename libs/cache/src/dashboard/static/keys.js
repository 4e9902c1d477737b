// The key browser (SCAN pages through GET /keys), the inspector (GET /debug/key/:key) and
// clear by pattern, which counts what matches before it asks.

import { call, get } from './api.js';
import { $, busy, bytes, el, facts, fill, num } from './dom.js';

const PAGE = 50;
const SCAN_HINT = 200;
const MAX_STEPS = 20;
/** counting walks the keyspace with SCAN: bounded, so that a huge prefix cannot stall the page */
const MAX_COUNTED = 100_000;
const COUNT_PAGE = 1_000;

let pattern = '*';
let cursor = '0';
let shown = 0;

export async function search() {
  pattern = $('keys-pattern').value.trim() || '*';
  cursor = '0';
  shown = 0;
  fill($('keys'));
  await nextPage();
}

/**
 * SCAN returns what one step of the keyspace holds, which may be nothing at all while the cursor
 * goes on: steps are taken until a page's worth of keys is found (or the scan ends).
 */
async function nextPage() {
  const found = [];
  let source = '';
  for (let steps = 0; steps < MAX_STEPS && found.length < PAGE; steps++) {
    const page = await get('/keys', { query: { pattern, cursor, count: SCAN_HINT } });
    found.push(...page.keys);
    ({ cursor, source } = page);
    if (cursor === '0') break;
  }
  shown += found.length;
  $('keys').append(...found.map(keyItem));
  $('keys-more').hidden = cursor === '0';
  const more = cursor === '0' ? '' : ', more to come';
  $('keys-info').textContent = `${num(shown)} key${shown === 1 ? '' : 's'} from ${source}${more}`;
}

function keyItem(key) {
  const button = el('button', { type: 'button', class: 'key', title: key }, key);
  button.addEventListener('click', () => {
    for (const b of $('keys').querySelectorAll('.selected')) b.classList.remove('selected');
    button.classList.add('selected');
    inspect(key).catch((err) =>
      fill($('inspector-facts'), el('dd', { class: 'error' }, err.message)),
    );
  });
  return el('li', {}, button);
}

export async function inspect(key) {
  const report = await get(`/debug/key/${encodeURIComponent(key)}`);
  $('inspector-empty').hidden = true;
  $('inspector').hidden = false;
  const tags = report.tags?.length
    ? el(
        'span',
        { class: 'tags' },
        report.tags.map((t) => el('span', { class: 'tag' }, t)),
      )
    : '–';
  facts($('inspector-facts'), [
    ['key', el('code', {}, report.key)],
    ['exists', report.exists ? 'yes' : 'no'],
    ['tier', report.tier ?? '–'],
    [
      'TTL',
      report.ttlRemaining === null
        ? '–'
        : `${report.ttlRemaining} s${report.stale ? ' (stale)' : ''}`,
    ],
    ['size', bytes(report.sizeBytes ?? undefined)],
    ['namespace', report.namespace ?? '–'],
    ['tags', tags],
    ['created', report.createdAt ? new Date(report.createdAt).toLocaleString() : undefined],
    ['Redis', report.redis],
  ]);
  $('inspector-value').textContent = report.valueOmitted
    ? `(value not shown: ${report.valueOmitted})`
    : report.exists
      ? JSON.stringify(report.value, null, 2)
      : '(no such entry)';
}

/** Distinct keys matching `glob`, up to MAX_COUNTED (SCAN may return a key twice). */
export async function countKeys(glob) {
  const keys = new Set();
  let next = '0';
  do {
    const page = await get('/keys', { query: { pattern: glob, cursor: next, count: COUNT_PAGE } });
    page.keys.forEach((k) => keys.add(k));
    next = page.cursor;
  } while (next !== '0' && keys.size < MAX_COUNTED);
  return { count: keys.size, more: next !== '0' };
}

export function wireKeys(onError) {
  $('keys-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search().catch(onError);
  });
  $('keys-more').addEventListener('click', () => nextPage().catch(onError));

  let pending;
  const out = $('clear-result');
  $('clear-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const button = e.submitter ?? $('clear-form').querySelector('button');
    busy(button, out, async () => {
      pending = $('clear-pattern').value.trim();
      const { count, more } = await countKeys(pending);
      fill(out);
      if (count === 0) {
        $('clear-confirm').hidden = true;
        return fill(out, `No key matches "${pending}".`);
      }
      fill(
        $('clear-question'),
        `${more ? 'More than ' : ''}${num(count)} key${count === 1 ? '' : 's'} match `,
        el('code', {}, pending),
        '. Delete them?',
      );
      $('clear-confirm').hidden = false;
    });
  });
  $('clear-no').addEventListener('click', () => {
    $('clear-confirm').hidden = true;
  });
  $('clear-yes').addEventListener('click', (e) =>
    busy(e.currentTarget, out, async () => {
      const { deleted } = await call('DELETE', '/clear', { query: { pattern: pending } });
      $('clear-confirm').hidden = true;
      fill(out, `Deleted ${num(deleted)} key${deleted === 1 ? '' : 's'}.`);
      await search();
    }),
  );
}
