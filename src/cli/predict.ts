import { EnvironmentError } from '../errors.ts';

// Placeholder until the 'predict' verb lands.
export async function predict(_argv: string[]): Promise<number> {
  throw new EnvironmentError("'predict' is not implemented yet");
}
