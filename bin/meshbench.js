#!/usr/bin/env node
// The meshbench CLI. Sources are TypeScript, run through tsx's loader so no build step is needed.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// The load generator's isolates (worker threads, created later) must not pause for long: V8's memory
// reducer ran 13 ms mark-compacts (--trace-gc) on an idle-looking heap; with one core busy the generator stalled
// up to 119 ms (results INVALID in 2 of 3 runs); with these flags, 0 of 3 (README: what the local run shows).
setFlagsFromString('--no-memory-reducer');
setFlagsFromString('--max-semi-space-size=16');

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit even if a stray handle lingers, but only after stdout/stderr have drained.
setTimeout(() => process.exit(code), 1500).unref();
