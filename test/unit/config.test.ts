import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizePublicUrl, resolveSettings, UsageError } from '../../server/config.js';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '../../server/concurrencyLimit.js';

describe('backend settings', () => {
  it('uses flags before environment before defaults, and derives the public URL from host and port', () => {
    expect(resolveSettings({}, {})).toMatchObject({ host: '127.0.0.1', port: 8080, publicUrl: 'http://127.0.0.1:8080', dataDir: path.resolve('data') });
    expect(resolveSettings({}, { PORT: '9000', SCIM_HOST: '0.0.0.0' })).toMatchObject({ port: 9000, publicUrl: 'http://0.0.0.0:9000' });
    expect(resolveSettings({ port: '7000', 'public-url': 'https://scim.example.com/base/' }, { PORT: '9000' })).toMatchObject({
      port: 7000,
      publicUrl: 'https://scim.example.com/base',
    });
  });

  it('refuses a bad port or public URL with a message naming the flag', () => {
    expect(() => resolveSettings({ port: 'abc' }, {})).toThrow(UsageError);
    expect(() => resolveSettings({ port: '70000' }, {})).toThrow(/--port/);
    expect(() => normalizePublicUrl('scim.example.com')).toThrow(/--public-url must be an absolute/);
    expect(() => normalizePublicUrl('ftp://scim.example.com')).toThrow(/http or https/);
    expect(() => normalizePublicUrl('https://user:pw@scim.example.com')).toThrow(/credentials/);
  });

  it('reads the concurrency limit from --max-concurrent-requests, then SCIM_MAX_CONCURRENT_REQUESTS, else the default', () => {
    expect(resolveSettings({}, {}).maxConcurrentRequests).toBe(DEFAULT_MAX_CONCURRENT_REQUESTS);
    expect(resolveSettings({}, { SCIM_MAX_CONCURRENT_REQUESTS: '16' }).maxConcurrentRequests).toBe(16);
    expect(resolveSettings({ 'max-concurrent-requests': '0' }, { SCIM_MAX_CONCURRENT_REQUESTS: '16' }).maxConcurrentRequests).toBe(0);
    expect(() => resolveSettings({ 'max-concurrent-requests': '-5' }, {})).toThrow(/--max-concurrent-requests must be a whole number/);
    expect(() => resolveSettings({}, { SCIM_MAX_CONCURRENT_REQUESTS: 'lots' })).toThrow(UsageError);
  });

  it('uses PostgreSQL only for a postgres:// or postgresql:// DATABASE_URL, SQLite when it is empty or unset', () => {
    expect(resolveSettings({}, {}).databaseUrl).toBeUndefined();
    expect(resolveSettings({}, { DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
    expect(resolveSettings({}, { DATABASE_URL: 'postgres://u:p@db:5432/scim' }).databaseUrl).toBe('postgres://u:p@db:5432/scim');
    expect(resolveSettings({}, { DATABASE_URL: 'postgresql://db/scim' }).databaseUrl).toBe('postgresql://db/scim');
    expect(() => resolveSettings({}, { DATABASE_URL: 'mysql://db/scim' })).toThrow(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });
});
