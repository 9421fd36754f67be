import type { SuiteInput } from './schema.ts';

/**
 * Identity helper for suite files (vitest `defineConfig` habit): does nothing at run time and gives
 * editors the types and doc comments of every field.
 */
export function defineSuite(suite: SuiteInput): SuiteInput {
  return suite;
}
