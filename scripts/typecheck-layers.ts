/**
 * `npm run typecheck`: one tsc run per layer, each with only the ambient types that layer may use
 * (src/shared: neither Node nor DOM; src/main: Node; src/renderer: DOM), so a Node API in the renderer or a DOM
 * global in main fails here instead of at run time. The runs are independent, so two go at once.
 */
import { spawn } from 'node:child_process';

const LAYERS = ['shared', 'main', 'preload', 'renderer', 'test-node', 'test-dom'];
const tsc = require.resolve('typescript/bin/tsc');

function check(layer: string): Promise<{ layer: string; code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '-p', `tsconfig.${layer}.json`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ layer, code: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  const queue = [...LAYERS];
  let failed = 0;
  const worker = async () => {
    for (let layer = queue.shift(); layer; layer = queue.shift()) {
      const result = await check(layer);
      process.stdout.write(`[typecheck] ${result.layer}: ${result.code === 0 ? 'ok' : 'FAILED'}\n${result.output}`);
      if (result.code !== 0) failed++;
    }
  };
  await Promise.all([worker(), worker()]);
  if (failed) process.exit(1);
}

void main();
