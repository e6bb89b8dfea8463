#!/usr/bin/env node
// The command-line tool; its source is src/cli/ (TypeScript), compiled to dist/cli/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
