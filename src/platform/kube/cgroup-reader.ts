/** Reads cgroup files on a node (effect: `docker exec <node> sh -c SCRIPT sh PATHS…` on kind). */
import { CGROUP_READER_SCRIPT, parseCgroupSections } from './parse-cgroup.ts';
import { probeTool } from './subprocess.ts';

export type CgroupReader = (node: string, paths: string[]) => Promise<Map<string, string>>;

/**
 * `prefix` is the command that reaches the node: ['docker', 'exec', NODE] on kind, [] for this machine.
 * `root` is prepended to every path (a copy of a node's /sys/fs/cgroup tree in tests), and removed again.
 */
export function createCgroupReader(opts: {
  prefix: (node: string) => string[];
  root?: string;
}): CgroupReader {
  const root = opts.root ?? '';
  return async (node, paths) => {
    if (!paths.length) return new Map();
    const [cmd, ...rest] = [
      ...opts.prefix(node),
      'sh',
      '-c',
      CGROUP_READER_SCRIPT,
      'sh',
      ...paths.map((p) => root + p),
    ];
    const r = await probeTool(cmd, rest, { timeoutMs: 5000 });
    const out = new Map<string, string>();
    for (const [k, v] of parseCgroupSections(r.stdout))
      out.set(k.startsWith(root) ? k.slice(root.length) : k, v);
    return out;
  };
}

/** kind nodes are Docker containers named like their Kubernetes nodes. */
export const kindCgroupReader: CgroupReader = createCgroupReader({
  prefix: (node) => ['docker', 'exec', node],
});
