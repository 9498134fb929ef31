import type { Rule } from './rule.ts';

/** A prediction with `unknown: true` (forwarded, no upstream records declared). */
export const onlyKnownRecords: Rule = {
  name: 'only-known-records',
  description:
    'the oracle cannot know the whole answer (forwarded with no upstream records declared): only the records it predicts are checked, as a subset; rcode, flags and extra records are not compared',
  switch: undefined,
};
