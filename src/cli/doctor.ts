import { EnvironmentError } from '../errors.ts';

// Placeholder until the 'doctor' verb lands.
export async function doctor(_argv: string[]): Promise<number> {
  throw new EnvironmentError("'doctor' is not implemented yet");
}
