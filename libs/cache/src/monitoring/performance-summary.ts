import type { CounterSnapshot } from '../stats/cache-stats';

/** how many routes / namespaces the top and bottom lists hold */
const RANKED = 5;

export interface Ranked {
  name: string;
  hitRate: number;
  lookups: number;
}

export interface PerformanceSummary {
  /** hit rate is a fraction from 0 to 1, everywhere */
  hitRateTarget: number;
  meetsTarget: boolean;
  /** miss p50 / hit p50: how many times faster a hit answers; null until both were measured */
  speedUp: number | null;
  /** an estimate: (hits + stale hits) × (miss p50 − hit p50) */
  timeSavedMs: number;
  topRoutes: Ranked[];
  bottomRoutes: Ranked[];
  topNamespaces: Ranked[];
  bottomNamespaces: Ranked[];
}

/** What /cache/performance adds on top of the raw counters: rankings, speed-up, target. */
export function summarize(
  overall: CounterSnapshot,
  namespaces: Record<string, CounterSnapshot>,
  routes: Record<string, CounterSnapshot>,
  hitRateTarget: number,
): PerformanceSummary {
  const hitP50 = overall.latencyMs.hit.p50;
  const missP50 = overall.latencyMs.miss.p50;
  const measured = overall.latencyMs.hit.samples > 0 && overall.latencyMs.miss.samples > 0;
  const saved = Math.max(0, missP50 - hitP50) * (overall.hits + overall.staleHits);
  const [topRoutes, bottomRoutes] = rank(routes);
  const [topNamespaces, bottomNamespaces] = rank(namespaces);
  return {
    hitRateTarget,
    meetsTarget: overall.hitRate >= hitRateTarget,
    speedUp: measured && hitP50 > 0 ? round(missP50 / hitP50) : null,
    timeSavedMs: measured ? round(saved) : 0,
    topRoutes,
    bottomRoutes,
    topNamespaces,
    bottomNamespaces,
  };
}

/** The best and the worst by hit rate, among those that saw any lookup (ties: busier first). */
function rank(counters: Record<string, CounterSnapshot>): [Ranked[], Ranked[]] {
  const all = Object.entries(counters)
    .map(([name, c]) => ({ name, hitRate: c.hitRate, lookups: c.hits + c.staleHits + c.misses }))
    .filter((r) => r.lookups > 0);
  const best = [...all].sort((a, b) => b.hitRate - a.hitRate || b.lookups - a.lookups);
  const worst = [...all].sort((a, b) => a.hitRate - b.hitRate || b.lookups - a.lookups);
  return [best.slice(0, RANKED), worst.slice(0, RANKED)];
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
