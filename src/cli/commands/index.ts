/** The command registry (vitest reporters/index.ts habit): name → command. */
import type { Command } from '../command.ts';
import { compareCommand } from './compare.ts';
import { loadCommand } from './load.ts';
import { planCommand } from './plan.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

export const commands: Command[] = [runCommand, validateCommand, planCommand, loadCommand, reportCommand, compareCommand];
