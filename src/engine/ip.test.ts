import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { compileCidr, parseIPv4, parseIPv6, parseIp } from './ip.ts';

const inCidr = (ip: string, cidr: string) => {
  const [net, len] = cidr.split('/');
  const family = net.includes(':') ? 6 : 4;
  const test = compileCidr(net, Number(len), family);
  const parsed = parseIp(ip);
  return !!test && !!parsed && test(parsed);
};

describe('IP addresses and CIDR', () => {
  it('parses IPv4 strictly', () => {
    expect(parseIPv4('10.1.2.3')).toBe(0x0a010203);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.1.2', '10.1.2.3.4', '256.1.1.1', '1.2.3.', 'a.b.c.d', '', '1..2.3', '1.2.3.4 ']) expect(parseIPv4(bad)).toBe(-1);
  });

  it('parses IPv6 forms', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('fe80::1%12')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('[2001:db8::]')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const bad of ['1::2::3', '12345::', ':', '1:2:3:4:5:6:7', 'g::1', '1:2:3:4:5:6:7:8:9']) expect(parseIPv6(bad)).toBeUndefined();
  });

  it('tests membership for IPv4 and IPv6 ranges', () => {
    expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inCidr('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inCidr('172.32.0.0', '172.16.0.0/12')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inCidr('8.8.8.8', '8.8.8.8/32')).toBe(true);
    expect(inCidr('fd12:3456::1', 'fc00::/7')).toBe(true);
    expect(inCidr('fe80::abcd%3', 'fe80::/10')).toBe(true);
    expect(inCidr('2001:4860::8888', 'fc00::/7')).toBe(false);
    expect(inCidr('::1', '::1/128')).toBe(true);
    expect(inCidr('10.0.0.1', 'fc00::/7')).toBe(false);
    expect(inCidr('fd00::1', '10.0.0.0/8')).toBe(false);
  });

  it('treats IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(inCidr('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('::ffff:8.8.8.8', '10.0.0.0/8')).toBe(false);
  });

  it('agrees with ipaddr.js on random addresses and prefixes', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, n, len) => {
        const expected = ipaddr.parse(a).match(ipaddr.parse(n), len);
        expect(inCidr(a, `${n}/${len}`)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }), (a, n, len) => {
        const pa = ipaddr.parse(a);
        const pn = ipaddr.parse(n);
        if (pa.kind() !== 'ipv6' || pn.kind() !== 'ipv6') return;
        const v6 = pa as ipaddr.IPv6;
        // Mapped addresses are compared as IPv4 by design; skip them here.
        if (v6.isIPv4MappedAddress()) return;
        expect(inCidr(a, `${n}/${len}`)).toBe(pa.match(pn, len));
      }),
      { numRuns: 2000 },
    );
  });
});
