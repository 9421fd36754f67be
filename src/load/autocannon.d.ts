/** The slice of autocannon 9's programmatic API meshbench uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  namespace autocannon {
    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      duration?: number;
      timeout?: number;
      overallRate?: number;
      connectionRate?: number;
      skipAggregateResult?: boolean;
      workers?: number;
    }
    interface Instance extends EventEmitter {
      stop(): void;
    }
  }
  function autocannon(
    opts: autocannon.Options,
    cb?: (err: Error | null, result: unknown) => void,
  ): autocannon.Instance;
  export default autocannon;
}
