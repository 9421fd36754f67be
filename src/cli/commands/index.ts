/** The command registry (vitest reporters/index.ts habit): name → command. */
import type { Command } from '../command.ts';
import { loadCommand } from './load.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

export const commands: Command[] = [runCommand, validateCommand, planCommand, loadCommand];
