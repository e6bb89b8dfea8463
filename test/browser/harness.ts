/**
 * What the browser test needs around the page: the demo server as a child process (as `npm run
 * demo` runs it, on a free port) and Debian's Chromium driven by playwright-core. No browser is
 * downloaded: CI installs the `chromium` package (.ci/run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const root = fileURLToPath(new URL('../..', import.meta.url));

export const hasChromium = (): boolean => existsSync(CHROMIUM);

/** Starts `node demo/server.js --port 0` and resolves with the page URL it prints. */
export function startDemoServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(root, 'demo', 'server.js'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`demo server printed no URL within 15 s; output: ${output}`)), 15_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(err);
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /http:\/\/\S+\/demo\//.exec(output)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => fail(new Error(`demo server exited with code ${code} before serving: ${output}`)));
  });
}

/**
 * Headless Chromium with a fresh profile. Without the background-networking flags Chromium keeps
 * trying to reach Google's services, which a closed network answers with a flood of errors.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'backprop-wasm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 1000 },
    acceptDownloads: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
