import { describe, expect, it } from 'vitest';
import {
  canonicalIP,
  cidrContains,
  formatCIDR,
  formatIP,
  nthAddress,
  parseCIDR,
  parseIP,
  subCidr,
} from './ip.ts';

describe('IP text forms', () => {
  // RFC 5952 §4 (what Go's net.IP.String prints): lowercase, no leading zeros, the longest run of
  // two or more zero groups compressed, the first one on a tie; a single zero group is not compressed.
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fd00:10:96:0:0:0:0:a', 'fd00:10:96::a'],
    ['::', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['10.96.0.10', '10.96.0.10'],
  ])('%s → %s', (input, want) => {
    expect(canonicalIP(input)).toBe(want);
  });

  // Kubernetes IP validation (k8s.io/utils/net, netip-based) rejects IPv4 with leading zeros.
  it.each(['10.96.0.010', '256.1.1.1', '1.2.3', 'fd00::1::2', 'None', ''])('rejects %j', (bad) => {
    expect(parseIP(bad)).toBeUndefined();
  });
});

describe('CIDRs', () => {
  it('clears host bits and tests membership', () => {
    const c = parseCIDR('10.96.5.7/16')!;
    expect(formatCIDR(c)).toBe('10.96.0.0/16');
    expect(cidrContains(c, parseIP('10.96.255.255')!)).toBe(true);
    expect(cidrContains(c, parseIP('10.97.0.0')!)).toBe(false);
    expect(cidrContains(c, parseIP('fd00::1')!)).toBe(false);
  });

  it('addresses by offset and sub-ranges (node podCIDRs: the i-th /24 of 10.244.0.0/16)', () => {
    const pods = parseCIDR('10.244.0.0/16')!;
    expect(formatCIDR(subCidr(pods, 24, 3))).toBe('10.244.3.0/24');
    expect(formatIP(nthAddress(parseCIDR('fd00:10:96::/112')!, 10n))).toBe('fd00:10:96::a');
    expect(formatCIDR(subCidr(parseCIDR('fd00:10:244::/56')!, 64, 1))).toBe('fd00:10:244:1::/64');
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'x/8', '10.0.0.0/-1'])('rejects %j', (bad) => {
    expect(parseCIDR(bad)).toBeUndefined();
  });
});
