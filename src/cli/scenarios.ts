import { EnvironmentError } from '../errors.ts';

// Placeholder until the 'scenarios' verb lands.
export async function scenarios(_argv: string[]): Promise<number> {
  throw new EnvironmentError("'scenarios' is not implemented yet");
}
