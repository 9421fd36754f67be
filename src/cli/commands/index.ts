/** The command registry (vitest reporters/index.ts habit): name → command. */
import type { Command } from '../command.ts';
import { validateCommand } from './validate.ts';

export const commands: Command[] = [validateCommand];
