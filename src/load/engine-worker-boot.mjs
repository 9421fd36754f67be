// Worker-thread bootstrap for TypeScript sources: `--import tsx` in a Worker's execArgv does not register the
// loader on Node 20.20, so the worker registers tsx itself, then loads the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./engine-worker.ts');
