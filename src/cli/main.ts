/**
 * `dnsconform VERB …`: dispatches to cli/<verb>.ts. Bad input and a missing environment end in one
 * line on stderr and exit 2; Ctrl-C aborts the shared signal so every backend can clean up.
 */
import { EnvironmentError, InputError } from '../errors.ts';

export interface CommandContext {
  signal: AbortSignal;
}

export type Command = (argv: string[], ctx: CommandContext) => Promise<number>;

const VERBS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: {
    summary: 'run scenarios against a backend and write reports',
    load: async () => (await import('./run.ts')).run,
  },
  predict: {
    summary: 'the oracle alone: expected answers for objects + Corefile',
    load: async () => (await import('./predict.ts')).predict,
  },
  diff: {
    summary: 'compare two saved runs (e.g. before and after an upgrade)',
    load: async () => (await import('./diff.ts')).diff,
  },
  doctor: {
    summary: 'what each backend needs, what is present, what to install',
    load: async () => (await import('./doctor.ts')).doctor,
  },
  scenarios: {
    summary: 'list the bundled scenarios',
    load: async () => (await import('./scenarios.ts')).scenarios,
  },
};

function usage(): string {
  const lines = Object.entries(VERBS).map(([v, { summary }]) => `  ${v.padEnd(10)} ${summary}`);
  return `usage: dnsconform <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'dnsconform <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage());
    return verb === undefined ? 2 : 0;
  }
  const entry = VERBS[verb];
  if (!entry) {
    process.stderr.write(
      `dnsconform: unknown command '${verb}' (commands: ${Object.keys(VERBS).join(', ')})\n`,
    );
    return 2;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write(`\ndnsconform: ${sig} received, cleaning up (press Ctrl-C again to force)\n`);
      controller.abort(new Interrupted(sig));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const command = await entry.load();
    return await command(rest, { signal: controller.signal });
  } catch (err) {
    return reportError(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Raised through the abort signal on SIGINT/SIGTERM. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

function reportError(err: unknown): number {
  if (err instanceof InputError) {
    process.stderr.write(`dnsconform: ${err.format()}\n`);
    return 2;
  }
  if (err instanceof EnvironmentError) {
    process.stderr.write(`dnsconform: ${err.message}\n`);
    return 2;
  }
  if (err instanceof Interrupted) {
    return 130;
  }
  throw err;
}
