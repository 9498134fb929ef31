import { describe, expect, it } from 'vitest';
import { materialise } from './controlplane.ts';
import { KIND_DEFAULTS } from './options.ts';
import type { RawEndpointSlice, RawService } from './raw.ts';
import { syntheticManifests } from './synthetic.ts';

describe('syntheticManifests', () => {
  const objects = materialise(syntheticManifests(100, 1000), KIND_DEFAULTS);
  const services = objects.filter(
    (o) => o.kind === 'Service' && o.metadata.name?.startsWith('svc-'),
  ) as RawService[];

  it('gives exactly the requested Services and pods once materialised', () => {
    expect(services).toHaveLength(100);
    expect(objects.filter((o) => o.kind === 'Pod')).toHaveLength(1000);
  });

  it('mixes ClusterIP, headless (with and without hostnames) and ExternalName over several namespaces', () => {
    expect(new Set(services.map((s) => s.metadata.namespace)).size).toBeGreaterThan(1);
    expect(services.some((s) => s.spec?.type === 'ExternalName')).toBe(true);
    expect(services.some((s) => s.spec?.clusterIP === 'None')).toBe(true);
    expect(services.some((s) => s.spec?.type === 'ClusterIP' && s.spec.clusterIP !== 'None')).toBe(true);
    const slices = objects.filter((o) => o.kind === 'EndpointSlice') as RawEndpointSlice[];
    expect(slices.some((s) => s.endpoints?.some((e) => e.hostname))).toBe(true);
  });
});
