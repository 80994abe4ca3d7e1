/** An expected refusal from a domain rule; callers map the code to their protocol (HTTP, CLI exit code). */
export class DomainError extends Error {
  constructor(
    readonly code: 'invalid' | 'not_found' | 'conflict' | 'unprocessable' | 'forbidden',
    message: string,
    /** The request field at fault, when one is. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
