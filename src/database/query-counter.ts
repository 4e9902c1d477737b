export interface QueryCounts {
  /** statements sent to the database since the last reset */
  total: number;
  /** the same, by the statement's first keyword: select, insert, update, delete, ... */
  byKind: Record<string, number>;
  since: string;
}

/**
 * Counts every statement the app sends, so a user can watch the load the cache takes off the
 * database: GET /stats/db before and after a few cached reads.
 */
export class QueryCounter {
  private total = 0;
  private byKind = new Map<string, number>();
  private since = new Date();

  record(sql: string): void {
    this.total++;
    const kind = statementKind(sql);
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }

  snapshot(): QueryCounts {
    return {
      total: this.total,
      byKind: Object.fromEntries(this.byKind),
      since: this.since.toISOString(),
    };
  }

  reset(): void {
    this.total = 0;
    this.byKind.clear();
    this.since = new Date();
  }
}

/** 'select' for `SELECT ...`; a CTE counts as what its final statement does. */
export function statementKind(sql: string): string {
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .trim()
    .toLowerCase();
  const first = /^[a-z]+/.exec(text)?.[0] ?? 'other';
  if (first !== 'with') return first;
  const last = /\)\s*(select|insert|update|delete)\b[^)]*$/.exec(text);
  return last?.[1] ?? 'select';
}
