/** The library entry: what suite files and scripts import (`import { defineSuite } from 'meshbench'`). */
export { defineSuite } from './suite/define.ts';
export type { SuiteInput, Suite } from './suite/schema.ts';
export { validateSuite } from './suite/validate.ts';
export { expandSuite } from './suite/expand.ts';
export { MeshbenchError, ExitCode } from './errors.ts';
