/** The control line a Bookinfo process acknowledges after taking new routes: `MESHBENCH_ROUTES <seq>`. */
export const ROUTES_ACK_PREFIX = 'MESHBENCH_ROUTES ';
