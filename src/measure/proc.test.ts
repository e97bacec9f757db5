import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTreeUsage, processUsage } from './proc.ts';

/** A parent that only waits, and a child of it that burns CPU until told to stop: a postmaster and a backend. */
function aBusyTree() {
  const burn = 'const end = Date.now() + 400; while (Date.now() < end); setInterval(() => {}, 1000);';
  const parent = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(burn)}], { stdio: 'inherit' }); console.log(c.pid); setInterval(() => {}, 1000);`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const childPid = new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
  return { parent, childPid };
}

describe('processTreeUsage', () => {
  it("counts the CPU its children burnt, which the parent's own usage does not", async () => {
    const { parent, childPid } = aBusyTree();
    const child = await childPid;
    try {
      await new Promise((resolve) => setTimeout(resolve, 800));

      const own = await processUsage(parent.pid!);
      const tree = await processTreeUsage(parent.pid!);
      const childOnly = await processUsage(child);

      // 400 ms of wall clock burnt; on a busy machine less of it is CPU, but far more than an idle parent's
      expect(childOnly!.cpuMs).toBeGreaterThanOrEqual(100);
      expect(tree!.cpuMs).toBeGreaterThanOrEqual(own!.cpuMs + childOnly!.cpuMs - 20);
    } finally {
      process.kill(child, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
