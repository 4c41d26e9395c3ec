/**
 * IP address parsing and CIDR membership for the `cidr` modifier, hand-rolled because it runs
 * once per event and value: IPv4 as an unsigned 32-bit number, IPv6 as eight 16-bit words.
 * Log quirks handled: IPv6 zone ids (`fe80::1%12`), brackets (`[::1]`), and IPv4-mapped IPv6
 * addresses (`::ffff:10.1.2.3`, as dual-stack sockets log IPv4 peers), which are tested
 * against IPv4 ranges as the IPv4 address they carry.
 */

/** Parses dotted-quad IPv4; returns the address as an unsigned 32-bit number, or -1. */
export function parseIPv4(s: string): number {
  let value = 0;
  let octets = 0;
  let i = 0;
  const n = s.length;
  while (octets < 4) {
    let digits = 0;
    let octet = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      digits++;
      i++;
      if (digits > 3) return -1;
    }
    if (digits === 0 || octet > 255) return -1;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (s.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i === n ? value : -1;
}

/** Parses IPv6 text (with `::`, an embedded IPv4 tail, a zone id or brackets); eight words or undefined. */
export function parseIPv6(input: string): number[] | undefined {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length < 2 || s.indexOf(':') < 0) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (text: string): number[] | undefined => {
    if (text === '') return [];
    const out: number[] = [];
    const pieces = text.split(':');
    for (let k = 0; k < pieces.length; k++) {
      const piece = pieces[k];
      if (k === pieces.length - 1 && piece.indexOf('.') >= 0) {
        const v4 = parseIPv4(piece);
        if (v4 < 0) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (piece.length === 0 || piece.length > 4 || !/^[0-9a-fA-F]+$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const left = parseGroups(s.slice(0, dbl));
    const right = parseGroups(s.slice(dbl + 2));
    if (!left || !right || left.length + right.length > 7) return undefined;
    return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  const words = parseGroups(s);
  return words && words.length === 8 ? words : undefined;
}

export type ParsedIp = { family: 4; v4: number } | { family: 6; words: number[] };

/** Parses an event value as an IP address (IPv4-mapped IPv6 becomes IPv4). */
export function parseIp(text: string): ParsedIp | undefined {
  const s = text.trim();
  const v4 = parseIPv4(s);
  if (v4 >= 0) return { family: 4, v4 };
  const words = parseIPv6(s);
  if (!words) return undefined;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff) {
    return { family: 4, v4: words[6] * 65536 + words[7] };
  }
  return { family: 6, words };
}

/** Builds a membership test for a CIDR (network address and prefix length). */
export function compileCidr(network: string, prefix: number, family: 4 | 6): ((ip: ParsedIp) => boolean) | undefined {
  if (family === 4) {
    const net = parseIPv4(network.trim());
    if (net < 0 || prefix < 0 || prefix > 32) return undefined;
    if (prefix === 0) return (ip) => ip.family === 4;
    const shift = 32 - prefix;
    const netHigh = Math.floor(net / 2 ** shift);
    return (ip) => ip.family === 4 && Math.floor(ip.v4 / 2 ** shift) === netHigh;
  }
  const words = parseIPv6(network.trim());
  if (!words || prefix < 0 || prefix > 128) return undefined;
  // An IPv6 range inside ::ffff:0:0/96 also covers the IPv4 addresses it maps.
  const full = Math.floor(prefix / 16);
  const rest = prefix % 16;
  const mask = rest === 0 ? 0 : (0xffff << (16 - rest)) & 0xffff;
  return (ip) => {
    const w = ip.family === 6 ? ip.words : [0, 0, 0, 0, 0, 0xffff, Math.floor(ip.v4 / 65536), ip.v4 % 65536];
    for (let k = 0; k < full; k++) if (w[k] !== words[k]) return false;
    return rest === 0 || (w[full] & mask) === (words[full] & mask);
  };
}

/** Formats an IPv4 number as dotted quad (for explanations). */
export function formatIPv4(v: number): string {
  return [Math.floor(v / 16777216) % 256, Math.floor(v / 65536) % 256, Math.floor(v / 256) % 256, v % 256].join('.');
}
