import type { Command } from '../command';
import { callCommand } from './call';
import { emulatorCommand } from './emulator';
import { getCommand } from './get';
import { listCommand } from './list';
import { loginCommand } from './login';
import { logoutCommand } from './logout';
import { sitesCommand } from './sites';
import { tokenCommand } from './token';
import { typegenCommand } from './typegen';
import { whoamiCommand } from './whoami';
import { deleteCommand, insertCommand, updateCommand } from './write-commands';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  loginCommand,
  whoamiCommand,
  tokenCommand,
  logoutCommand,
  getCommand,
  listCommand,
  callCommand,
  insertCommand,
  updateCommand,
  deleteCommand,
  typegenCommand,
  sitesCommand,
  emulatorCommand,
];
