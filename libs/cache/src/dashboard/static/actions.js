// Invalidation by tag or namespace, and warmup jobs run one by one or all together.

import { call, get } from './api.js';
import { $, busy, el, fill, list, ms, num } from './dom.js';

export function wireActions() {
  const out = $('invalidate-result');
  $('invalidate-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const tags = list($('invalidate-tags').value);
    const namespaces = list($('invalidate-namespaces').value);
    if (!tags.length && !namespaces.length) return fill(out, 'Name a tag or a namespace.');
    busy(e.submitter ?? $('invalidate-form').querySelector('button'), out, async () => {
      const counts = await call('POST', '/invalidate', { body: { tags, namespaces } });
      const parts = Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => `${num(n)} ${n === 1 ? kind.replace(/s$/, '') : kind}`);
      fill(out, parts.length ? `Invalidated ${parts.join(', ')}.` : 'Nothing matched.');
    });
  });
  $('warm-all').addEventListener('click', (e) =>
    busy(e.currentTarget, $('warm-result'), () => warm()),
  );
}

export async function loadJobs() {
  const listing = await get('/warm', { optional: true });
  const node = $('warm-jobs');
  if (listing === undefined)
    return fill(
      node,
      el('li', { class: 'muted' }, 'This server does not list its jobs: run them all.'),
    );
  if (listing.jobs.length === 0)
    return fill(node, el('li', { class: 'muted' }, 'No warmup job is registered.'));
  fill(
    node,
    listing.jobs.map((job) => {
      const run = el('button', { type: 'button', class: 'small', 'data-job': job.name }, 'Run');
      run.addEventListener('click', () => busy(run, $('warm-result'), () => warm([job.name])));
      return el(
        'li',
        { class: 'job' },
        el(
          'span',
          {},
          el('strong', {}, job.name),
          job.cron ? el('span', { class: 'muted' }, ` ${job.cron}`) : '',
          job.running ? el('span', { class: 'muted' }, ' running') : '',
        ),
        run,
      );
    }),
  );
}

async function warm(jobs) {
  fill($('warm-result'), el('li', { class: 'muted' }, 'running…'));
  const result = await call('POST', '/warm', { body: jobs ? { jobs } : {} });
  fill(
    $('warm-result'),
    result.jobs.map((job) =>
      el(
        'li',
        { class: job.ok ? 'ok' : 'error', 'data-job': job.name },
        el('strong', {}, job.name),
        job.ok
          ? ` warmed in ${ms(job.durationMs)}${job.keys !== undefined ? `, ${num(job.keys)} key${job.keys === 1 ? '' : 's'}` : ''}${job.joined ? ' (joined a run in progress)' : ''}`
          : ` failed: ${job.error ?? 'unknown error'}`,
      ),
    ),
  );
}
