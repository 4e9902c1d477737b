import { StreamableFile } from '@nestjs/common';

/** The parts of an Express or Fastify request this layer reads. */
export interface HttpRequest {
  method: string;
  url: string;
  /** Express: the URL before mounting; Fastify: the URL before any rewrite */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Express `Response` or Fastify `FastifyReply`, whichever the adapter hands over. */
export type HttpResponse = object;

/** The URL as the client sent it (with its query string), on either platform. */
export function requestUrl(req: HttpRequest): string {
  return req.originalUrl ?? req.url;
}

/** The URL's path, without query string. */
export function requestPath(req: HttpRequest): string {
  const url = requestUrl(req);
  const at = url.indexOf('?');
  return at < 0 ? url : url.slice(0, at);
}

export function requestHeader(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Fastify's reply has `header()` and a `raw` response; Express's response has `setHeader()`. */
export function setHeader(res: HttpResponse, name: string, value: string | number): void {
  const reply = res as { raw?: unknown; header?: (n: string, v: unknown) => void };
  if (reply.raw !== undefined && typeof reply.header === 'function') reply.header(name, value);
  else (res as { setHeader(n: string, v: unknown): void }).setHeader(name, value);
}

/** A handler that wrote the response itself (`@Res()`) leaves nothing to add headers to. */
export function responseSent(res: HttpResponse): boolean {
  const r = res as { headersSent?: boolean; sent?: boolean };
  return r.sent === true || r.headersSent === true;
}

/** Header values must be printable ASCII: a key built from decoded params may not be. */
export function headerSafe(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  try {
    return encodeURI(value);
  } catch {
    return value.replace(/[^\x20-\x7e]/g, '?'); // a lone surrogate: encodeURI refuses it
  }
}

/** Fastify: `code()`; Express: `status()`. */
export function setStatus(res: HttpResponse, status: number): void {
  const reply = res as { code?: (s: number) => void; status(s: number): void };
  if (typeof reply.code === 'function') reply.code(status);
  else reply.status(status);
}

/** Bodies that are sent as they are produced: never stored (they would not round-trip). */
export function isStreamingBody(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof StreamableFile || Buffer.isBuffer(value) || ArrayBuffer.isView(value))
    return true;
  const v = value as { pipe?: unknown; getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return (
    typeof v.pipe === 'function' ||
    typeof v.getReader === 'function' ||
    typeof v[Symbol.asyncIterator] === 'function'
  );
}

/**
 * The route template that matched (`/barbers/:id`), never the raw URL, so what is counted by
 * route stays bounded: Express's `req.route.path`, Fastify's `req.routeOptions.url`, else the
 * handler's `@Controller` + `@Get` paths (a route mounted on several paths: the first).
 */
export function routeTemplate(req: HttpRequest, controller: object, handler: object): string {
  const express = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof express === 'string') return express;
  const fastify = (req as { routeOptions?: { url?: unknown } }).routeOptions?.url;
  if (typeof fastify === 'string') return fastify;
  const first = (target: object) => {
    const path = Reflect.getMetadata('path', target) as string | string[] | undefined;
    return (Array.isArray(path) ? path[0] : path) ?? '';
  };
  const joined = [first(controller), first(handler)].map((p) => p.replace(/^\/+|\/+$/g, ''));
  return `/${joined.filter(Boolean).join('/')}`;
}
