import type { TtlRange } from '../../oracle/types.ts';
import type { Rule } from './rule.ts';

export const ttlExact: Rule = {
  name: 'ttl-exact',
  description: 'TTLs must equal the predicted ones (no cache in front of the answer)',
  switch: 'ttl',
};

export const ttlWithinCacheRange: Rule = {
  name: 'ttl-within-cache-range',
  description: 'TTLs must lie within the range the cache can produce (it counts down from the stored TTL)',
  switch: 'ttl',
};

export const ttlIgnored: Rule = {
  name: 'ttl-ignored',
  description:
    'TTLs are not compared (switched off with `ttl: false`, or a tool outcome, which carries no TTL range)',
  switch: undefined,
};

export function withinRange(ttl: number, range: TtlRange): boolean {
  return ttl >= range.min && ttl <= range.max;
}

export function rangeText(range: TtlRange): string {
  return range.min === range.max ? String(range.min) : `${range.min}..${range.max}`;
}
