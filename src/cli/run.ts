import { EnvironmentError } from '../errors.ts';

// Placeholder until the 'run' verb lands.
export async function run(_argv: string[]): Promise<number> {
  throw new EnvironmentError("'run' is not implemented yet");
}
