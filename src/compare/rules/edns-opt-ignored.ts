import type { ResourceRecord } from '../../dns/message.ts';
import type { Rule } from './rule.ts';

export const ednsOptIgnored: Rule = {
  name: 'edns-opt-ignored',
  description:
    'the EDNS OPT pseudo-record in the additional section is left out (predictions never carry it)',
  switch: 'edns-opt-ignored',
};

export function withoutOpt(records: ResourceRecord[], on: boolean): ResourceRecord[] {
  return on ? records.filter((r) => r.type.toUpperCase() !== 'OPT') : records;
}
