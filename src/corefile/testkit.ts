/** Corefiles the tests share. */
import { readFileSync } from 'node:fs';
import { DEFAULT_COREFILE } from '../scenario/load.ts';

/**
 * kubeadm's default Corefile (k8s ≥ 1.32; kubeadm cmd/kubeadm/app/phases/addons/dns/manifests.go),
 * which kind clusters run too: the bundled scenarios/corefiles/kind-default.Corefile.
 */
export const KUBEADM_COREFILE = readFileSync(DEFAULT_COREFILE, 'utf8');
