import type { Rule } from './rule.ts';

/** The shared DnsMessage does not record the ID at all, so this rule cannot be switched off. */
export const messageIdIgnored: Rule = {
  name: 'message-id-ignored',
  description: 'the message ID is not compared (each ask uses its own)',
  switch: undefined,
};
