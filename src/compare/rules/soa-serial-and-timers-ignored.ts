import type { Rule } from './rule.ts';

export const soaSerialAndTimersIgnored: Rule = {
  name: 'soa-serial-and-timers-ignored',
  description:
    'SOA records compare by MNAME and RNAME only: serial, refresh, retry, expire and minimum are ignored',
  switch: 'soa-serial-and-timers-ignored',
};

/** `mname. rname. serial refresh retry expire minimum` → `mname. rname.` (CoreDNS's serial is a clock). */
export function soaData(data: string, on: boolean): string {
  if (!on) return data;
  return data.trim().split(/\s+/).slice(0, 2).join(' ');
}
