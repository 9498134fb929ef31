import type { Rule } from './rule.ts';

export const ownerCaseInsensitive: Rule = {
  name: 'owner-case-insensitive',
  description:
    'owner names (and the names a tool tried or answered with) compare without letter case (RFC 4343)',
  switch: 'owner-case-insensitive',
};

export function ownerKey(name: string, on: boolean): string {
  return on ? name.toLowerCase() : name;
}
