/** The command registry (vitest reporters/index.ts habit): name → command. */
import type { Command } from '../command.ts';
import { compareCommand } from './compare.ts';
import { loadCommand } from './load.ts';
import { doctorCommand } from './doctor.ts';
import { downCommand } from './down.ts';
import { upCommand } from './up.ts';
import { planCommand } from './plan.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

export const commands: Command[] = [
  runCommand,
  validateCommand,
  planCommand,
  doctorCommand,
  loadCommand,
  reportCommand,
  compareCommand,
  upCommand,
  downCommand,
];
