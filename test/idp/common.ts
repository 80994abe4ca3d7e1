/**
 * Shared plumbing for the directory simulators (okta.ts, entra.ts): a deterministic, seedable
 * people generator (so an e2e run or a benchmark can provision N users and get the same N users
 * every time), a request log that records every exchange a simulator made, and the query-string
 * encodings the two directories use.
 *
 * Nothing here asserts: the simulators return what the server answered, and the tests (or a
 * benchmark) decide what to check.
 */
import { ScimClient, type ScimResponse } from '../support/scimClient.js';

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny seedable PRNG, good enough for test data and fully reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length) % list.length] as T;
}

/** A version-4-shaped GUID drawn from `rng` (Entra's Test Connection and externalIds look like this). */
export function guid(rng: () => number): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  const variant = pick(rng, ['8', '9', 'a', 'b']);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

const GIVEN_NAMES = [
  'Ada', 'Barbara', 'Carlos', 'Dana', 'Elif', 'Farid', 'Grace', 'Hiroshi', 'Ines', 'Jamal', 'Kalani', 'Lena',
  'Mateo', 'Nadia', 'Oluwaseun', 'Priya', 'Quinn', 'Rosa', 'Søren', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoë',
] as const;
const FAMILY_NAMES = [
  'Anderson', 'Bauer', 'Chen', 'Dubois', 'Eriksen', 'Fernández', 'García', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski',
  'Larsen', "O'Brien", 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Santos', 'Tanaka', 'Nguyen', 'Weber', 'Young',
] as const;
const TITLES = ['Software Engineer', 'Account Executive', 'Designer', 'Site Engineer', 'Support Specialist', 'Manager', 'Analyst'] as const;
const DEPARTMENTS = ['Engineering', 'Sales', 'Design', 'Operations', 'Support', 'Finance', 'People'] as const;
const CITIES = [
  { locality: 'Seattle', region: 'WA', country: 'US', postalCode: '98101' },
  { locality: 'Austin', region: 'TX', country: 'US', postalCode: '73301' },
  { locality: 'Dublin', region: 'Leinster', country: 'IE', postalCode: 'D02 X285' },
  { locality: 'Berlin', region: 'Berlin', country: 'DE', postalCode: '10115' },
  { locality: 'Toronto', region: 'ON', country: 'CA', postalCode: 'M5H 2N2' },
] as const;
const STREETS = ['Pine St', 'Main St', 'Harbour Rd', 'Lindenallee', 'King St W', 'Oak Ave'] as const;
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP'] as const;

export interface Person {
  /** Position in the generated list; also what makes userName and employeeNumber unique. */
  index: number;
  givenName: string;
  familyName: string;
  displayName: string;
  /** Login / userName: an email-shaped UPN, unique within one generated list. */
  userName: string;
  /** Work email (equal to userName, as in Okta's and Entra's default mappings). */
  email: string;
  /** The directory's own id for the person (Okta: 00u…, Entra: a GUID / mailNickname). */
  externalId: string;
  title: string;
  department: string;
  employeeNumber: string;
  costCenter: string;
  workPhone: string;
  mobilePhone: string;
  address: { streetAddress: string; locality: string; region: string; postalCode: string; country: string; formatted: string };
  locale: string;
  preferredLanguage: string;
  /** Index of this person's manager in the same list, if any (every 10th person manages the next 9). */
  managerIndex: number | undefined;
}

export interface PeopleOptions {
  seed?: number;
  domain?: string;
  /** Prefix for userNames, so two runs against one connection do not collide. */
  prefix?: string;
  /** How externalIds look: Okta user ids ("00u…") or Entra object ids (GUIDs). */
  externalIdStyle?: 'okta' | 'entra';
}

function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/** The `index`-th person of the list that `options.seed` defines; independent of the others. */
export function personAt(index: number, options: PeopleOptions = {}): Person {
  const seed = options.seed ?? 1;
  const rng = seededRandom((seed * 2654435761 + index * 40503) >>> 0);
  const domain = options.domain ?? 'example.com';
  const givenName = pick(rng, GIVEN_NAMES);
  const familyName = pick(rng, FAMILY_NAMES);
  const local = `${options.prefix ?? ''}${asciiFold(givenName)}.${asciiFold(familyName)}.${index}`;
  const city = pick(rng, CITIES);
  const street = `${100 + Math.floor(rng() * 9000)} ${pick(rng, STREETS)}`;
  const phone = () => `+1 555 ${String(1000000 + Math.floor(rng() * 8999999)).slice(0, 3)} ${String(Math.floor(rng() * 10000)).padStart(4, '0')}`;
  const locale = pick(rng, LOCALES);
  const externalId =
    options.externalIdStyle === 'entra'
      ? guid(rng)
      : `00u${Array.from({ length: 17 }, () => pick(rng, [...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('')}`;
  return {
    index,
    givenName,
    familyName,
    displayName: `${givenName} ${familyName}`,
    userName: `${local}@${domain}`,
    email: `${local}@${domain}`,
    externalId,
    title: pick(rng, TITLES),
    department: pick(rng, DEPARTMENTS),
    employeeNumber: String(100000 + index),
    costCenter: `CC-${String(Math.floor(rng() * 900) + 100)}`,
    workPhone: phone(),
    mobilePhone: phone(),
    address: {
      streetAddress: street,
      locality: city.locality,
      region: city.region,
      postalCode: city.postalCode,
      country: city.country,
      formatted: `${street}\n${city.locality}, ${city.region} ${city.postalCode}\n${city.country}`,
    },
    locale,
    preferredLanguage: locale,
    managerIndex: index % 10 === 0 ? undefined : index - (index % 10),
  };
}

/** `count` people, deterministic for a given seed: `generatePeople(1000, { seed: 7 })` is always the same list. */
export function generatePeople(count: number, options: PeopleOptions = {}): Person[] {
  return Array.from({ length: count }, (_, i) => personAt(i, options));
}

// ---------------------------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------------------------

/**
 * Okta percent-encodes the whole filter (developer.okta.com, "SCIM 2.0 Protocol Reference":
 * `GET /scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100`).
 */
export function oktaFilter(expression: string): string {
  return `filter=${encodeURIComponent(expression)}`;
}

/**
 * Entra form-encodes it, spaces as `+` (request logs in MicrosoftDocs/azure-docs#11784:
 * `GET …/scim/Users?filter=externalId+eq+%22johnwong%22`).
 */
export function entraFilter(expression: string): string {
  return new URLSearchParams({ filter: expression }).toString();
}

/** A SCIM string literal: `"…"` with `"` and `\` escaped (RFC 7644 §3.4.2.2, JSON string rules). */
export function scimString(value: string): string {
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

export interface Exchange {
  /** Which documented step this request reproduces, e.g. "Create the User (POST /Users)". */
  step: string;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody: any;
  status: number;
  contentType: string | null;
  location: string | null;
  body: any;
  text: string;
  durationMs: number;
}

export interface SimulatorOptions {
  endpointBaseUrl: string;
  secret: string;
  /** Overrides the vendor's User-Agent. */
  userAgent?: string;
  /** Keep every exchange (default true); turn off for 1,000-user runs that only need counts. */
  record?: boolean;
  /** What to do when the server answers 429 (see `BackoffOptions`); `false` returns the 429 at once. */
  backoff?: BackoffOptions | false;
}

/**
 * Both directories back off when a SCIM server answers 429 Too Many Requests and resend the failed
 * request after the Retry-After delay:
 *  [ENTRA-429] Microsoft Q&A, "Understanding SCIM Client Request Behavior and Expected Load for
 *              Large-Scale Operations" (learn.microsoft.com/en-us/answers/questions/2284725): the
 *              provisioning service "will retry after failing with the error 429 Too Many Requests"
 *              and suspends that job for the time in the Retry-After header, retrying only the
 *              failed requests;
 *  [OKTA-429]  Okta support, "Slack provisioning jobs failed with error API rate limit exceeded":
 *              Okta automatically retries the failed provisioning jobs after the number of seconds
 *              in the server's Retry-After header.
 * Neither documents how many times; the simulator gives up after `maxRetries` and returns the 429.
 */
export interface BackoffOptions {
  /** Resends of one request before the 429 is returned to the caller (default 20). */
  maxRetries?: number;
  /** Wait when a 429 carries no usable Retry-After (default 1 s). */
  defaultWaitSeconds?: number;
  /** How waiting is done; tests of the back-off itself pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock an HTTP-date Retry-After is read against. */
  now?: () => number;
}

/** Seconds to wait from a Retry-After header (delay-seconds or HTTP-date, RFC 9110 §10.2.3), or undefined. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What every simulator shares: one ScimClient with the vendor's headers, and the exchange log. */
export abstract class DirectorySimulator {
  readonly client: ScimClient;
  readonly exchanges: Exchange[] = [];
  /** Requests sent so far (counted even when `record` is off). */
  requestCount = 0;
  private readonly record: boolean;
  private readonly backoff: BackoffOptions | undefined;
  /** 429 answers the simulator waited out and resent (each resend is also an exchange). */
  backoffCount = 0;
  /** Seconds spent waiting on Retry-After in total. */
  backoffSeconds = 0;

  protected constructor(
    options: SimulatorOptions,
    readonly userAgent: string,
    /** Headers this vendor sends on every request (Accept, Accept-Charset…). */
    private readonly vendorHeaders: Record<string, string>,
    /** The Content-Type this vendor puts on requests with a body. */
    private readonly bodyContentType: string,
  ) {
    this.client = new ScimClient(options.endpointBaseUrl, { secret: options.secret, userAgent, headers: vendorHeaders });
    this.record = options.record ?? true;
    this.backoff = options.backoff === false ? undefined : (options.backoff ?? {});
  }

  /** Sends one request as the vendor would, waiting out and resending on 429 as the vendor does. */
  protected async send<T = any>(step: string, method: string, path: string, body?: unknown): Promise<ScimResponse<T>> {
    let response = await this.sendOnce<T>(step, method, path, body);
    const backoff = this.backoff;
    if (!backoff) return response;
    const sleep = backoff.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let retry = 0; response.status === 429 && retry < (backoff.maxRetries ?? 20); retry++) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'), (backoff.now ?? Date.now)()) ?? backoff.defaultWaitSeconds ?? 1;
      this.backoffCount++;
      this.backoffSeconds += seconds;
      await sleep(seconds * 1000);
      response = await this.sendOnce<T>(step, method, path, body);
    }
    return response;
  }

  /** Sends one request as the vendor would and records it under `step`. */
  private async sendOnce<T = any>(step: string, method: string, path: string, body?: unknown): Promise<ScimResponse<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = this.bodyContentType;
    const started = performance.now();
    const response = await this.client.request<T>(method, path, body, { headers });
    this.requestCount++;
    if (this.record) {
      this.exchanges.push({
        step,
        method,
        path,
        requestHeaders: { 'User-Agent': this.userAgent, ...this.vendorHeaders, ...headers },
        requestBody: body,
        status: response.status,
        contentType: response.headers.get('content-type'),
        location: response.headers.get('location'),
        body: response.body,
        text: response.text,
        durationMs: performance.now() - started,
      });
    }
    return response;
  }

  /** The exchanges recorded for one documented step. */
  exchangesFor(step: string): Exchange[] {
    return this.exchanges.filter((e) => e.step === step);
  }

  lastExchange(): Exchange | undefined {
    return this.exchanges[this.exchanges.length - 1];
  }
}

/** Thrown by a simulator step when the server's answer stops the directory from going on. */
export class DirectoryStepError extends Error {
  constructor(
    readonly step: string,
    readonly response: ScimResponse,
  ) {
    super(`${step}: unexpected HTTP ${response.status}: ${response.text.slice(0, 500)}`);
    this.name = 'DirectoryStepError';
  }
}
