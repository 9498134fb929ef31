/**
 * The kubeconfig CoreDNS's `kubernetes` plugin reads (`kubeconfig FILE`): one cluster pointing at
 * the harness's API endpoint over plain HTTP (client-go accepts `http://` servers), no credentials.
 * With a kubeconfig, CoreDNS uses client-go's defaults: JSON, not protobuf (coredns-kubernetes.md §1.2).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const KUBECONFIG_CONTEXT = 'dnsconform';

export function kubeconfigYAML(serverUrl: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  cluster:',
    `    server: ${serverUrl}`,
    'users:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  user: {}',
    'contexts:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  context:',
    `    cluster: ${KUBECONFIG_CONTEXT}`,
    `    user: ${KUBECONFIG_CONTEXT}`,
    `current-context: ${KUBECONFIG_CONTEXT}`,
    '',
  ].join('\n');
}

/** Writes `kubeconfig` into `dir`; returns its path. */
export async function writeKubeconfig(dir: string, serverUrl: string): Promise<string> {
  const path = join(dir, 'kubeconfig');
  await writeFile(path, kubeconfigYAML(serverUrl), { mode: 0o600 });
  return path;
}
