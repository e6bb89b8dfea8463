/**
 * The command-line tool: `backprop-wasm <command> [flags]`. Exit codes: 0 success, 1 a failure
 * while running (unreadable data, a damaged model, training that diverged), 2 bad usage.
 */
import { parseFlags, UsageError } from './args.js';
import type { Command } from './command.js';
import { evaluate } from './evaluate.js';
import { exportModel } from './export.js';
import { gradcheck } from './gradcheck.js';
import { info } from './info.js';
import { predict } from './predict.js';
import { train } from './train.js';
import { packageVersion } from './version.js';

const COMMANDS: Command[] = [train, evaluate, predict, gradcheck, info, exportModel];

const HELP = `Usage: backprop-wasm <command> [flags]

Train neural networks on MNIST or your own CSV/TSV data, and use the saved models.

Commands
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run backprop-wasm <command> --help for a command's flags and an example.

Example
  backprop-wasm train --data seeds.txt --seed 1 --out seeds.json
  backprop-wasm eval --model seeds.json --data seeds.txt
  backprop-wasm predict --model seeds.json --data new-kernels.csv --out predictions.csv`;

/** Runs one command line (without `node` and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `predict … | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(HELP + '\n');
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !topic) return unknown(rest[0]);
    process.stdout.write((topic ? topic.help : HELP) + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknown(name);
  try {
    const flags = parseFlags(rest, command.flags);
    if (flags.help) {
      process.stdout.write(command.help + '\n');
      return 0;
    }
    await command.run(flags);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`backprop-wasm ${command.name}: ${e.message} (see backprop-wasm ${command.name} --help)\n`);
      return 2;
    }
    process.stderr.write(`backprop-wasm ${command.name}: ${(e as Error).message}\n`);
    if (process.env.BACKPROP_WASM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

function unknown(name: string): number {
  process.stderr.write(
    `backprop-wasm: unknown command '${name}'; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see backprop-wasm --help)\n`,
  );
  return 2;
}
