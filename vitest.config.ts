import { defineConfig } from 'vitest/config';

// Tests sorted by cost: unit (ms) → integration (real local servers) → e2e (the CLI as a process).
// Files run one at a time: load tests on a 2-core machine must not compete with each other for CPU.
export default defineConfig({
  test: {
    // test/cluster needs a real kind cluster: its files skip unless MESHBENCH_CLUSTER_TESTS=1 (npm run test:cluster).
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/cluster/**/*.test.ts',
    ],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: { shuffle: false },
  },
});
