import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLI_DOC, generateCliDoc } from './cli.ts';
import { program } from '../cli/main.ts';

describe('docs/cli.md', () => {
  it('is what the commands print for --help now', async () => {
    const committed = await readFile(CLI_DOC, 'utf8').catch(() => '');
    expect(committed, 'docs/cli.md is stale: run npm run docs:cli').toBe(await generateCliDoc());
  });

  it('has a section for every command, with its options', async () => {
    const doc = await generateCliDoc();
    const commands = (await program()).commands.map((c) => c.name()).filter((n) => n !== 'help');
    expect(commands).toContain('service');
    for (const name of commands) expect(doc).toContain(`## \`interplay ${name}\`\n\n\`\`\`\nUsage: interplay ${name} `);
    expect(doc).toContain('--fail-on <list>');
    // `service --help` lists the environment a container sets, through addHelpText.
    expect(doc).toContain('INTERPLAY_SERVICE_SECRET');
  });
});
