/** The reference suite shipped with meshbench, used when no suite is given (resolved from the package, not the cwd). */
import { fileURLToPath } from 'node:url';

export const REFERENCE_SUITE = fileURLToPath(
  new URL('../../suites/waypoint-sharing.suite.ts', import.meta.url),
);
