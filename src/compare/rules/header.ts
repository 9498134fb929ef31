import type { HeaderFlags } from '../../dns/message.ts';
import type { Rule } from './rule.ts';

export const rcodeRule: Rule = {
  name: 'rcode',
  description: 'the response code must match',
  switch: 'rcode',
};

/** The header flags the server decides (rd is the client's, echoed back, so it is not compared). */
export const flagRules: Record<'aa' | 'tc' | 'ra', Rule> = {
  aa: { name: 'flag-aa', description: 'the authoritative-answer flag must match', switch: 'flag-aa' },
  tc: { name: 'flag-tc', description: 'the truncation flag must match', switch: 'flag-tc' },
  ra: { name: 'flag-ra', description: 'the recursion-available flag must match', switch: 'flag-ra' },
};

export function flagText(flags: HeaderFlags, flag: 'aa' | 'tc' | 'ra'): string {
  return flags[flag] ? 'set' : 'not set';
}
