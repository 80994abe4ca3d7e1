/**
 * A minimal SCIM client over real HTTP (Node's fetch), as a directory would talk to the server.
 */
export interface ScimResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response has a body, else undefined. */
  body: T;
  text: string;
}

export interface ScimClientOptions {
  /** Sent as `Authorization: Bearer <secret>`; null sends no Authorization header. */
  secret: string | null;
  userAgent?: string;
  /** Extra headers sent on every request. */
  headers?: Record<string, string>;
}

export class ScimClient {
  constructor(
    readonly endpointBaseUrl: string,
    private readonly options: ScimClientOptions,
  ) {}

  async request<T = any>(
    method: string,
    pathAndQuery: string,
    body?: unknown,
    extra: { headers?: Record<string, string>; rawBody?: string | Buffer } = {},
  ): Promise<ScimResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/scim+json', ...this.options.headers };
    if (this.options.secret !== null) headers.Authorization = `Bearer ${this.options.secret}`;
    if (this.options.userAgent) headers['User-Agent'] = this.options.userAgent;
    let payload: string | Buffer | undefined = extra.rawBody;
    if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['Content-Type'] = 'application/scim+json; charset=utf-8';
    Object.assign(headers, extra.headers);
    const response = await fetch(`${this.endpointBaseUrl}${pathAndQuery}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(pathAndQuery: string) {
    return this.request<T>('GET', pathAndQuery);
  }
  post<T = any>(pathAndQuery: string, body: unknown) {
    return this.request<T>('POST', pathAndQuery, body);
  }
  put<T = any>(pathAndQuery: string, body: unknown) {
    return this.request<T>('PUT', pathAndQuery, body);
  }
  patch<T = any>(pathAndQuery: string, body: unknown) {
    return this.request<T>('PATCH', pathAndQuery, body);
  }
  delete<T = any>(pathAndQuery: string) {
    return this.request<T>('DELETE', pathAndQuery);
  }
}

/** `filter` query parameter, encoded the way clients send it. */
export function filterQuery(filter: string): string {
  return `filter=${encodeURIComponent(filter)}`;
}
