#!/usr/bin/env node
// The meshbench CLI. Sources are TypeScript, run through tsx's loader so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit even if a stray handle lingers, but only after stdout/stderr have drained.
setTimeout(() => process.exit(code), 1500).unref();
