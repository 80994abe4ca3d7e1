/**
 * "Test Connection", done the way Okta and Azure do theirs: read `/ServiceProviderConfig` with the
 * secret, look up a user by a userName nobody has (expects an empty ListResponse), read the first
 * page of users, and make sure a wrong secret is refused. Plus a check that the Endpoint Base URL
 * is one the internet can reach. Every failed check says what to do about it in plain words.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { ProbeCheck, ProbeReport } from '../../shared/ipc.js';
import { assessPublicAddress, isLoopbackHost } from './addressClassification.js';

export const PROBE_USER_AGENT = 'SCIM Directory Sync connection test';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

export const PROBE_FIXES = {
  wrongSecret: 'The Authentication Secret in the directory does not match: copy it again.',
  deleted: 'This connection was deleted: create a new connection in the app, then put its Endpoint Base URL and Authentication Secret in the directory.',
  notFound: 'Nothing answers SCIM at this address: copy the Endpoint Base URL again (it ends in /scim/v2/ and the connection id).',
  rateLimited: 'Too many failed attempts from this computer: wait a minute, then test again.',
  serverError: 'The backend had an error: look at the connection’s request log, then test again.',
  notScim: 'The address answers, but not with SCIM: copy the Endpoint Base URL again, exactly as the app shows it.',
  refused: 'The backend is not reachable: nothing is listening at this address. Make sure the backend is running and that the public URL in Connection settings points at it.',
  timeout: 'The backend is not reachable: it did not answer in time. Make sure it is running and that no firewall blocks it.',
  dns: 'The host name of the Endpoint Base URL does not resolve: check the public URL in Connection settings.',
  tls: 'The HTTPS certificate is not trusted: Okta and Azure need a certificate from a public certificate authority.',
  publicAddress: 'Okta and Azure connect from the internet: set a public https URL in Connection settings.',
  secretNotHeld: 'The app no longer holds this Authentication Secret (it forgets it when setup is done). To test again, reset the secret, then paste the new one into the directory.',
  acceptsWrongSecret: 'The endpoint accepted a secret it should have refused: do not connect a directory to it, and contact support.',
} as const;

export interface ProbeOptions {
  endpointBaseUrl: string;
  /** The secret the directory holds; null when main no longer holds it (the secret checks are skipped). */
  secret: string | null;
  timeoutMs?: number;
}

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  ms: number;
}

type Outcome = { answer: Answer } | { error: { code: string | undefined; message: string } };

const LABELS: Record<ProbeCheck['id'], string> = {
  reachable: 'The endpoint answers',
  serviceProviderConfig: 'Service provider configuration',
  userLookup: 'Look up a user by userName',
  userPaging: 'List users page by page',
  wrongSecretRefused: 'A wrong secret is refused',
  publicAddress: 'Reachable from the internet',
};

function check(id: ProbeCheck['id'], status: ProbeCheck['status'], detail: string, fix?: string): ProbeCheck {
  return { id, label: LABELS[id], status, detail, ...(fix !== undefined ? { fix } : {}) };
}

function networkFix(code: string | undefined): string {
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return PROBE_FIXES.refused;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return PROBE_FIXES.dns;
  if (code !== undefined && (code.startsWith('CERT_') || code.includes('CERT') || code.startsWith('ERR_TLS') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT')) {
    return PROBE_FIXES.tls;
  }
  return PROBE_FIXES.timeout;
}

/** The fix for an HTTP status a SCIM request should not have got. */
export function fixForStatus(status: number): string | undefined {
  if (status === 401 || status === 403) return PROBE_FIXES.wrongSecret;
  if (status === 404) return PROBE_FIXES.notFound;
  if (status === 410) return PROBE_FIXES.deleted;
  if (status === 429) return PROBE_FIXES.rateLimited;
  if (status >= 500) return PROBE_FIXES.serverError;
  return undefined;
}

function isScimContentType(contentType: string): boolean {
  return /^application\/(scim\+)?json\b/i.test(contentType.trim());
}

function scimDetail(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string') return `: ${body.detail}`;
  return '';
}

/** Shared refusals of a SCIM answer: wrong status, not SCIM. Undefined when the answer is a 200 SCIM JSON body. */
function refusal(id: ProbeCheck['id'], what: string, answer: Answer): ProbeCheck | undefined {
  if (answer.status !== 200) {
    return check(id, 'fail', `${what} answered HTTP ${answer.status}${scimDetail(answer.body)}`, fixForStatus(answer.status) ?? PROBE_FIXES.notScim);
  }
  if (!isScimContentType(answer.contentType) || answer.body === undefined) {
    return check(id, 'fail', `${what} answered with ${answer.contentType || 'no content type'}, not SCIM JSON`, PROBE_FIXES.notScim);
  }
  return undefined;
}

function listResponse(body: unknown): { totalResults: number; resources: unknown[] } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { schemas?: unknown; totalResults?: unknown; Resources?: unknown };
  if (!Array.isArray(b.schemas) || !b.schemas.includes(LIST_RESPONSE) || typeof b.totalResults !== 'number') return undefined;
  if (b.Resources !== undefined && !Array.isArray(b.Resources)) return undefined;
  return { totalResults: b.totalResults, resources: (b.Resources as unknown[] | undefined) ?? [] };
}

export async function probeConnection(options: ProbeOptions): Promise<ProbeReport> {
  const base = options.endpointBaseUrl.replace(/\/+$/, '');
  let host = '';
  try {
    host = new URL(base).hostname;
  } catch {
    // reported by the publicAddress check and the network error below
  }
  const http: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 8000,
    validateStatus: () => true,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    headers: { Accept: 'application/scim+json, application/json', 'User-Agent': PROBE_USER_AGENT },
    ...(isLoopbackHost(host) ? { proxy: false as const } : {}),
  });

  async function get(path: string, secret: string): Promise<Outcome> {
    const started = performance.now();
    try {
      const response = await http.get<string>(`${base}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
      let body: unknown;
      try {
        body = typeof response.data === 'string' && response.data !== '' ? JSON.parse(response.data) : undefined;
      } catch {
        body = undefined;
      }
      const contentType = String(response.headers['content-type'] ?? '');
      return { answer: { status: response.status, contentType, body, ms: Math.round(performance.now() - started) } };
    } catch (error) {
      const axiosError = error as AxiosError;
      const code =
        axiosError.code === AxiosError.ECONNABORTED || axiosError.code === AxiosError.ETIMEDOUT
          ? 'ETIMEDOUT'
          : ((axiosError.cause as NodeJS.ErrnoException | undefined)?.code ?? axiosError.code);
      return { error: { code, message: axiosError.message } };
    }
  }

  const address = assessPublicAddress(base);
  const publicCheck = address.reachableFromInternet
    ? check('publicAddress', 'pass', `${base} uses https on a public address.`)
    : check('publicAddress', 'warn', `This Endpoint Base URL only works from here: ${address.problems.join('; ')}.`, PROBE_FIXES.publicAddress);

  const wrongSecret = `wrong-${randomBytes(24).toString('base64url')}`;
  const checks: ProbeCheck[] = [];
  const secret = options.secret;
  // The first request tells whether anything answers at all.
  const first = secret !== null ? await get('/ServiceProviderConfig', secret) : await get('/ServiceProviderConfig', wrongSecret);
  if ('error' in first) {
    const fix = networkFix(first.error.code);
    checks.push(check('reachable', 'fail', `No answer from ${base}: ${first.error.code ?? first.error.message}.`, fix));
    const skipped = 'Not tested: the endpoint did not answer.';
    for (const id of ['serviceProviderConfig', 'userLookup', 'userPaging', 'wrongSecretRefused'] as const) checks.push(check(id, 'fail', skipped));
    checks.push(publicCheck);
    return { ok: false, checks };
  }
  checks.push(check('reachable', 'pass', `${base} answered (HTTP ${first.answer.status}) in ${first.answer.ms} ms.`));

  if (secret === null) {
    for (const id of ['serviceProviderConfig', 'userLookup', 'userPaging'] as const) {
      checks.push(check(id, 'warn', 'Not tested: the app no longer holds this connection’s Authentication Secret.', PROBE_FIXES.secretNotHeld));
    }
    checks.push(wrongSecretCheck(first.answer));
  } else {
    const spc = first.answer;
    const spcBody = spc.body as { schemas?: unknown } | undefined;
    checks.push(
      refusal('serviceProviderConfig', 'GET /ServiceProviderConfig', spc) ??
        (Array.isArray(spcBody?.schemas) && spcBody.schemas.includes(SPC_SCHEMA)
          ? check('serviceProviderConfig', 'pass', 'The endpoint describes itself as a SCIM 2.0 service provider.')
          : check('serviceProviderConfig', 'fail', 'GET /ServiceProviderConfig did not return a SCIM ServiceProviderConfig.', PROBE_FIXES.notScim)),
    );

    const unknownUserName = `${randomUUID()}@connection-test.invalid`;
    const lookup = await get(`/Users?filter=${encodeURIComponent(`userName eq "${unknownUserName}"`)}`, secret);
    checks.push(
      'error' in lookup
        ? check('userLookup', 'fail', `No answer: ${lookup.error.code ?? lookup.error.message}.`, networkFix(lookup.error.code))
        : (refusal('userLookup', 'GET /Users?filter=userName eq …', lookup.answer) ??
            ((list) =>
              list && list.totalResults === 0 && list.resources.length === 0
                ? check('userLookup', 'pass', 'A lookup of a userName nobody has returned an empty list, as directories expect.')
                : check(
                    'userLookup',
                    'fail',
                    list ? `A lookup of a userName nobody has returned ${list.totalResults} users.` : 'The lookup did not return a SCIM ListResponse.',
                    PROBE_FIXES.notScim,
                  ))(listResponse(lookup.answer.body))),
    );

    const page = await get('/Users?startIndex=1&count=2', secret);
    checks.push(
      'error' in page
        ? check('userPaging', 'fail', `No answer: ${page.error.code ?? page.error.message}.`, networkFix(page.error.code))
        : (refusal('userPaging', 'GET /Users?startIndex=1&count=2', page.answer) ??
            ((list) =>
              list && list.resources.length <= 2
                ? check('userPaging', 'pass', `The first page lists ${list.resources.length} of ${list.totalResults} users.`)
                : check('userPaging', 'fail', 'GET /Users did not return a SCIM ListResponse of at most 2 users.', PROBE_FIXES.notScim))(
              listResponse(page.answer.body),
            )),
    );

    const wrong = await get('/ServiceProviderConfig', wrongSecret);
    checks.push(
      'error' in wrong
        ? check('wrongSecretRefused', 'fail', `No answer: ${wrong.error.code ?? wrong.error.message}.`, networkFix(wrong.error.code))
        : wrongSecretCheck(wrong.answer),
    );
  }
  checks.push(publicCheck);
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

function wrongSecretCheck(answer: Answer): ProbeCheck {
  if (answer.status === 401) return check('wrongSecretRefused', 'pass', 'A wrong secret gets 401 Unauthorized.');
  if (answer.status === 429) return check('wrongSecretRefused', 'warn', 'Not tested: too many failed attempts from this computer (429).', PROBE_FIXES.rateLimited);
  if (answer.status === 410) return check('wrongSecretRefused', 'fail', 'The connection was deleted (410 Gone).', PROBE_FIXES.deleted);
  if (answer.status === 200) return check('wrongSecretRefused', 'fail', 'A wrong secret was accepted.', PROBE_FIXES.acceptsWrongSecret);
  return check('wrongSecretRefused', 'fail', `A wrong secret got HTTP ${answer.status} instead of 401.`, fixForStatus(answer.status) ?? PROBE_FIXES.notScim);
}
