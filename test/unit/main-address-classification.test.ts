import { describe, expect, it } from 'vitest';
import { assessPublicAddress, classifyHost, isLoopbackHost } from '../../main/services/addressClassification.js';

describe('classifyHost', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.3.4', 'loopback'],
    ['localhost', 'loopback'],
    ['LOCALHOST.', 'loopback'],
    ['app.localhost', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['[fd12:3456::1]', 'private'],
    ['fc00::1', 'private'],
    ['fe80::1%eth0', 'link-local'],
    ['169.254.10.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['printer.local', 'private'],
    ['intranet', 'private'],
    ['172.15.0.1', 'public'],
    ['172.32.0.1', 'public'],
    ['192.169.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['scim.example.com', 'public'],
  ])('%s is %s', (host, reach) => {
    expect(classifyHost(host)).toBe(reach);
  });

  it('isLoopbackHost is false for an empty host', () => {
    expect(isLoopbackHost('')).toBe(false);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
  });
});

describe('assessPublicAddress', () => {
  it('accepts https on a public host', () => {
    expect(assessPublicAddress('https://scim.example.com/scim/v2/abc')).toEqual({ reachableFromInternet: true, problems: [] });
  });

  it('names every problem: loopback and plain http', () => {
    const result = assessPublicAddress('http://127.0.0.1:8080/scim/v2/abc');
    expect(result.reachableFromInternet).toBe(false);
    expect(result.problems).toHaveLength(2);
    expect(result.problems.join(' ')).toMatch(/loopback/);
    expect(result.problems.join(' ')).toMatch(/plain http/);
  });

  it('flags plain http on a public host and https on a private one', () => {
    expect(assessPublicAddress('http://scim.example.com/x').problems).toEqual(['it uses plain http: Okta and Azure require https']);
    expect(assessPublicAddress('https://192.168.0.4/x').problems[0]).toMatch(/private-network/);
    expect(assessPublicAddress('https://[fe80::1]/x').problems[0]).toMatch(/link-local/);
  });

  it('refuses a non-URL', () => {
    expect(assessPublicAddress('not a url').reachableFromInternet).toBe(false);
  });
});
