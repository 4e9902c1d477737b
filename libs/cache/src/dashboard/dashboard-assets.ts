import { Injectable, NotFoundException } from '@nestjs/common';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

const PAGE = 'index.html';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The dashboard's files, read once and kept in memory (a few tens of KB). The page's own files
 * sit next to this one in `static/` (copied there in dist by the build); the chart library is
 * resolved from node_modules, so the package needs no CDN and works offline.
 */
@Injectable()
export class DashboardAssets {
  private readonly files: Map<string, string>;
  private readonly loaded = new Map<string, Asset>();

  constructor() {
    const dir = join(__dirname, 'static');
    this.files = new Map(readdirSync(dir).map((name) => [name, join(dir, name)]));
    this.files.set('uplot.js', require.resolve('uplot/dist/uPlot.iife.min.js'));
    this.files.set('uplot.css', require.resolve('uplot/dist/uPlot.min.css'));
  }

  /** The page, with its asset URLs made absolute for where it was reached (global prefix included). */
  page(base: string): Asset {
    const { body, type } = this.read(PAGE);
    const html = body.toString('utf8').replaceAll('{{base}}', escapeAttribute(base));
    return { body: Buffer.from(html, 'utf8'), type };
  }

  /** A file the page loads, by name; nothing else on disk can be named (404), nor the template. */
  get(name: string): Asset {
    if (name === PAGE) throw new NotFoundException();
    return this.read(name);
  }

  private read(name: string): Asset {
    const path = this.files.get(name);
    const type = TYPES[extname(name)];
    if (!path || !type) throw new NotFoundException();
    let asset = this.loaded.get(name);
    if (!asset) this.loaded.set(name, (asset = { body: readFileSync(path), type }));
    return asset;
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
