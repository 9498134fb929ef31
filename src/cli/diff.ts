import { EnvironmentError } from '../errors.ts';

// Placeholder until the 'diff' verb lands.
export async function diff(_argv: string[]): Promise<number> {
  throw new EnvironmentError("'diff' is not implemented yet");
}
