import type { Rule } from './rule.ts';

export const searchSuffix: Rule = {
  name: 'search-suffix',
  description:
    'for tools: the name that answered (search suffix applied) and the names tried, where the tool shows them, must match',
  switch: 'search-suffix',
};
