import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTreeUsage, processUsage } from './proc.ts';

/** A parent that only waits, and a child of it that burns CPU until told to stop: a postmaster and a backend. */
function aBusyTree() {
  // burns 300 ms of its own CPU, however long that takes on a busy machine, then idles
  const burn = 'while (process.cpuUsage().user < 300000); setInterval(() => {}, 1000);';
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
      for (let deadline = Date.now() + 20_000; ((await processUsage(child))?.cpuMs ?? 0) < 300 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const own = await processUsage(parent.pid!);
      const tree = await processTreeUsage(parent.pid!);
      const childOnly = await processUsage(child);

      expect(childOnly!.cpuMs).toBeGreaterThanOrEqual(300);
      expect(tree!.cpuMs).toBeGreaterThanOrEqual(own!.cpuMs + childOnly!.cpuMs - 20);
    } finally {
      process.kill(child, 'SIGKILL');
      parent.kill('SIGKILL');
    }
  });
});
