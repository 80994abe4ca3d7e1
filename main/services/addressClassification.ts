/**
 * Can the internet reach this address? Okta and Azure provision from their clouds, so an Endpoint
 * Base URL on a loopback, private or link-local address (or a plain-http one) works on this
 * computer and nowhere else. Pure functions over the URL text: no DNS lookups.
 */
import net from 'node:net';

export type HostReach = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'public';

function ipv4Parts(address: string): number[] {
  return address.split('.').map(Number);
}

function classifyIpv4(address: string): HostReach {
  const [a = 0, b = 0] = ipv4Parts(address);
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 10) return 'private';
  if (a === 172 && b >= 16 && b <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT (RFC 6598)
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
}

/** Expands an IPv6 address into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part (e.g. ::ffff:10.0.0.1) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Parts(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : Math.max(0, missing)).fill('0'), ...tailGroups];
  return groups.map((g) => parseInt(g, 16) || 0);
}

function classifyIpv6(address: string): HostReach {
  const groups = ipv6Groups(address);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    return classifyIpv4(`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`);
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  return 'public';
}

/** How far a host (name or literal address, IPv6 with or without brackets) can be reached from. */
export function classifyHost(host: string): HostReach {
  const bare = host.replace(/^\[/, '').replace(/\]$/, '').replace(/\.$/, '').toLowerCase();
  const family = net.isIP(bare.split('%')[0] ?? '');
  if (family === 4) return classifyIpv4(bare);
  if (family === 6) return classifyIpv6(bare);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return 'loopback';
  // mDNS names and single-label names only resolve on the local network.
  if (bare.endsWith('.local') || bare.endsWith('.internal') || bare.endsWith('.lan') || !bare.includes('.')) return 'private';
  return 'public';
}

export function isLoopbackHost(host: string): boolean {
  return host !== '' && classifyHost(host) === 'loopback';
}

export interface PublicAddressAssessment {
  reachableFromInternet: boolean;
  /** Why not, in plain words; empty when it is fine. */
  problems: string[];
}

/** Is this Endpoint Base URL one Okta and Azure can use: https on a public host? */
export function assessPublicAddress(endpointBaseUrl: string): PublicAddressAssessment {
  let url: URL;
  try {
    url = new URL(endpointBaseUrl);
  } catch {
    return { reachableFromInternet: false, problems: [`"${endpointBaseUrl}" is not a valid URL`] };
  }
  const problems: string[] = [];
  const reach = classifyHost(url.hostname);
  if (reach === 'loopback') problems.push(`${url.hostname} is a loopback address: only this computer can reach it`);
  else if (reach === 'private') problems.push(`${url.hostname} is a private-network address: the internet cannot reach it`);
  else if (reach === 'link-local') problems.push(`${url.hostname} is a link-local address: only the local network segment can reach it`);
  else if (reach === 'unspecified') problems.push(`${url.hostname} is not a routable address`);
  if (url.protocol !== 'https:') problems.push('it uses plain http: Okta and Azure require https');
  return { reachableFromInternet: problems.length === 0, problems };
}
