// The soak's watchdog (scripts/soak.js), a worker thread: it sees a main thread that is blocked,
// not only a slow one. workerData.progress[0] counts the operations done, progress[1] is the index
// of the running phase in workerData.phases; when the count stays still for workerData.seconds, it
// says so on stderr and kills the process (exit status 137).
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const { progress, phases, seconds } = workerData;
const EVERY = 5;
let last = -1;
let still = 0;
setInterval(() => {
  const done = Atomics.load(progress, 0);
  still = done === last ? still + EVERY : 0;
  last = done;
  if (still >= seconds) {
    const phase = phases[Atomics.load(progress, 1)];
    writeSync(2, `soak: HUNG in phase ${phase}: no operation completed for ${seconds} s (${done} done in all); see the comment at the top of scripts/soak.js\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}, EVERY * 1000);
