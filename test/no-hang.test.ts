/**
 * A training loop never hangs. A process that only creates, fits and disposes networks used to
 * stop making progress at 0% CPU (two runs in three, within seconds): every ANN.create awaited
 * WebAssembly.instantiate, whose promise resolves through a platform task, and with nothing else
 * pending Node drained its platform tasks while a compiler thread waited for the main thread
 * (Node's issue 54918). Instances are now made synchronously from the compiled module. The loop
 * runs in a child process under a watchdog.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const loop = fileURLToPath(new URL('./helpers/create-fit-dispose-loop.js', import.meta.url));

function runLoop(
  seconds: number,
  watchdogSeconds: number,
  mode: 'one thread' | 'threads' = 'one thread',
): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  return new Promise((resolve) => {
    const args = [loop, String(seconds), ...(mode === 'threads' ? ['threads'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    let killed = false;
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, watchdogSeconds * 1000);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, killed });
    });
  });
}

describe('a loop of create, fit, predict, dispose with nothing else pending', () => {
  it('runs to its end (8 s of work, killed after 60 s if it stops making progress)', async () => {
    const { code, stdout, killed } = await runLoop(8, 60);
    expect(killed, 'the loop hung and the watchdog killed it').toBe(false);
    expect(code).toBe(0);
    const done = Number(/done (\d+)/.exec(stdout)?.[1]);
    expect(done).toBeGreaterThan(100);
  });
});

describe('the same loop on 2 and 3 threads, the last network left undisposed', () => {
  it('runs to its end and the process exits: no worker keeps it alive (4 s of work, killed after 60 s)', async () => {
    const { code, stdout, killed } = await runLoop(4, 60, 'threads');
    expect(killed, 'the loop hung, or its workers kept the process alive, and the watchdog killed it').toBe(false);
    expect(code).toBe(0);
    expect(Number(/done (\d+)/.exec(stdout)?.[1])).toBeGreaterThan(5);
  });
});
