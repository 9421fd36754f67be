/**
 * Bundles the agent with esbuild (effect: reads sources) into what a ConfigMap delivers to a stock Node
 * image. The bundle (agent.mjs + engine-worker.js, ~1.7 MB: undici dominates) exceeds a ConfigMap's 1 MiB,
 * so it travels gzipped in binaryData, with a small boot.cjs that unpacks it to /tmp and starts it.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface AgentBundle {
  /** Text files (ConfigMap data): boot.cjs, package.json. */
  files: Record<string, string>;
  /** Gzipped files as base64 (ConfigMap binaryData): agent.mjs.gz, engine-worker.js.gz. */
  gzipped: Record<string, string>;
  sha256: string;
  /** Bytes of the unpacked bundle and of what the ConfigMap carries. */
  bytes: number;
  configMapBytes: number;
}

export const AGENT_UNPACK_DIR = '/tmp/meshbench-agent';

/** Unpacks the gzipped files next to a package.json marking them ESM, then runs the agent's main. */
export function bootScript(mount: string): string {
  return [
    "'use strict';",
    "const fs = require('node:fs');",
    "const zlib = require('node:zlib');",
    "const { pathToFileURL } = require('node:url');",
    `const src = ${JSON.stringify(mount)};`,
    `const dst = process.env.MESHBENCH_AGENT_UNPACK || ${JSON.stringify(AGENT_UNPACK_DIR)};`,
    'fs.mkdirSync(dst, { recursive: true });',
    'fs.writeFileSync(dst + \'/package.json\', \'{"type":"module"}\\n\');',
    'for (const f of fs.readdirSync(src)) {',
    "  if (f.endsWith('.gz')) fs.writeFileSync(dst + '/' + f.slice(0, -3), zlib.gunzipSync(fs.readFileSync(src + '/' + f)));",
    '}',
    "import(pathToFileURL(dst + '/agent.mjs').href).then((m) => m.agentMain(process.argv[2] || src + '/config.json'));",
    '',
  ].join('\n');
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Builds the bundle; `mount` is where the ConfigMap is mounted in the pod. */
export async function bundleAgent(opts: { minify?: boolean; mount?: string } = {}): Promise<AgentBundle> {
  const r = await build({
    entryPoints: { agent: `${HERE}main.ts`, 'engine-worker': `${HERE}../engine-worker.ts` },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    outdir: '/out',
    minify: opts.minify ?? true,
    legalComments: 'none',
    logLevel: 'silent',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __mbRequire } from 'node:module'; const require = __mbRequire(import.meta.url);",
    },
  });
  const plain: Record<string, string> = {};
  for (const f of r.outputFiles) {
    const name = f.path.split('/').pop() ?? '';
    plain[name === 'agent.js' ? 'agent.mjs' : name] = f.text;
  }
  const files = {
    'boot.cjs': bootScript(opts.mount ?? '/etc/meshbench'),
    'package.json': '{"type":"module"}\n',
  };
  const gzipped: Record<string, string> = {};
  for (const [k, v] of Object.entries(plain))
    gzipped[`${k}.gz`] = gzipSync(v, { level: 9 }).toString('base64');
  const hash = createHash('sha256');
  for (const k of Object.keys(plain).sort()) hash.update(k).update('\0').update(plain[k]);
  const bytes = Object.values(plain).reduce((n, t) => n + Buffer.byteLength(t), 0);
  const configMapBytes =
    Object.values(files).reduce((n, t) => n + t.length, 0) +
    Object.values(gzipped).reduce((n, t) => n + t.length, 0);
  return { files, gzipped, sha256: hash.digest('hex'), bytes, configMapBytes };
}

/** Writes the unpacked bundle into a directory (tests run it there exactly as the pod does). */
export function unpackedFiles(bundle: AgentBundle): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(bundle.files)) out[k] = Buffer.from(v);
  for (const [k, v] of Object.entries(bundle.gzipped)) out[k] = Buffer.from(v, 'base64');
  return out;
}
