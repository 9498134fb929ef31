/**
 * The `kubernetes` plugin model (reference coredns-kubernetes.md; CoreDNS plugin/kubernetes/).
 * Files mirror CoreDNS's layout: setup.ts ↔ setup.go, parse.ts ↔ parse.go, handler.ts ↔
 * handler.go, services.ts ↔ kubernetes.go, reverse.ts ↔ reverse.go, ns.ts ↔ ns.go,
 * namespace.ts ↔ namespace.go, autopath.ts ↔ autopath.go, controller.ts ↔ controller.go +
 * object/, records.ts ↔ plugin/backend_lookup.go.
 */
import type { PluginModel } from '../../chain.ts';
import { profileFor } from '../../versions.ts';
import { autoPathSearch } from './autopath.ts';
import { serveDNS } from './handler.ts';
import { Kubernetes } from './services.ts';
import { parseKubernetes } from './setup.ts';

export const kubernetesPlugin: PluginModel = {
  name: 'kubernetes',
  setup(directives, block, file, version, env) {
    // The full profile of this release, whatever shape the caller passed.
    const profile = profileFor(version.version);
    const k = new Kubernetes(parseKubernetes(directives, block, file, profile, env), profile);
    return {
      serve: (req, ctx, next) => serveDNS(k, req, ctx, next),
      autoPath: (req, ctx) => autoPathSearch(k, req.name, req.clientIP, ctx.state),
    };
  },
};
