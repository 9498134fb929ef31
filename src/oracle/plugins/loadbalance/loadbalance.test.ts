import { describe, expect, it } from 'vitest';
import { parseZoneLines } from '../../../upstream/zone.ts';
import { forwardPlugin } from '../forward/forward.ts';
import { harness, inputError } from '../testkit.ts';
import { loadbalancePlugin } from './loadbalance.ts';

const models = [forwardPlugin, loadbalancePlugin];
const upstream = parseZoneLines(
  [
    'www.example.com. 60 IN CNAME example.com.',
    'example.com. 300 IN A 192.0.2.10',
    'example.com. 300 IN A 192.0.2.11',
  ],
  'upstream',
);

describe('loadbalance (CoreDNS plugin/loadbalance/loadbalance.go; reference §7)', () => {
  const h = harness('. {\n  loadbalance\n  forward . 10.0.0.1\n}', models, { upstream });

  it('keeps CNAMEs first and marks the order of a NOERROR reply as any', () => {
    const r = h.ask('www.example.com.', 'A');
    expect(r.out.message.answer.map((x) => x.type)).toEqual(['CNAME', 'A', 'A']);
    expect(r.out.ordered).toBe(false);
  });

  it('leaves non-NOERROR replies alone', () => {
    expect(h.ask('nope.example.com.', 'A').out.ordered).toBeUndefined();
  });

  it('accepts round_robin, refuses unknown policies', () => {
    expect(() => harness('. {\n  loadbalance round_robin\n  forward . 10.0.0.1\n}', models)).not.toThrow();
    expect(inputError(() => harness('. {\n  loadbalance random\n}', models))).toBe(
      'Corefile:2:3: plugin/loadbalance: unknown policy: random',
    );
  });
});
