/** Command-line flags via node:util parseArgs, with errors turned into one-line InputErrors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../errors.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new InputError(`${message} (see 'dnsconform ${command} --help')`, { file: 'command line' });
  }
}
