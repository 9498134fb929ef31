/**
 * Cluster fixtures transcribed from CoreDNS's tests (test-only data).
 * handlerTestObjects: coredns/coredns plugin/kubernetes/handler_test.go (HEAD 4b26cced) svcIndex and
 * epsIndex, with EndpointSlices in place of the stub's object.Endpoints.
 */
import { ep, namespace, service, slice } from './testkit.ts';

export const handlerTestObjects = [
  namespace('testns'),
  namespace('kube-system'),
  namespace('unexposedns'),
  namespace('podns'),
  service('kube-system', 'kubedns', {
    clusterIPs: ['10.0.0.10'],
    ports: [{ name: 'dns', protocol: 'UDP', port: 53 }],
  }),
  service('testns', 'svc1', {
    clusterIPs: ['10.0.0.1'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'svcempty', {
    clusterIPs: ['10.0.0.1'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'svc6', {
    clusterIPs: ['1234:abcd::1'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'hdls1', { clusterIPs: ['None'] }),
  service('testns', 'external', {
    type: 'ExternalName',
    externalName: 'ext.interwebs.test',
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'external-to-service', {
    type: 'ExternalName',
    externalName: 'svc1.testns.svc.cluster.local.',
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'hdlsprtls', { clusterIPs: ['None'] }),
  service('unexposedns', 'svc1', {
    clusterIPs: ['10.0.0.2'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  service('testns', 'svc-dual-stack', {
    clusterIPs: ['10.0.0.3', '10::3'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  slice('kube-system', 'kubedns', {
    endpoints: [ep('172.0.0.100')],
    ports: [{ port: 53, protocol: 'UDP', name: 'dns' }],
  }),
  slice('testns', 'svc1', {
    endpoints: [ep('172.0.0.1', { hostname: 'ep1a' })],
    ports: [{ port: 80, protocol: 'TCP', name: 'http' }],
  }),
  slice('testns', 'svcempty', { endpoints: [], ports: [{ port: 80, protocol: 'TCP', name: 'http' }] }),
  slice('testns', 'hdls1', {
    endpoints: [
      ep('172.0.0.2'),
      ep('172.0.0.3'),
      ep('172.0.0.4', { hostname: 'dup-name' }),
      ep('172.0.0.5', { hostname: 'dup-name' }),
      ep('5678:abcd::1'),
      ep('5678:abcd::2'),
    ],
    ports: [{ port: 80, protocol: 'TCP', name: 'http' }],
  }),
  slice('testns', 'hdlsprtls', { endpoints: [ep('172.0.0.20')], ports: [] }),
];
