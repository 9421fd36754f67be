import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands/index.ts';

describe('command registry', () => {
  it.each(commands.map((c) => [c.name, c] as const))(
    '%s: the lazy entry matches its command',
    async (_name, entry) => {
      const cmd = await entry.load();
      expect(cmd.name).toBe(entry.name);
      expect(cmd.summary).toBe(entry.summary);
    },
  );

  it('has unique names', () => {
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });
});
