/**
 * The base of every domain error: a closed union of string codes per domain, a message for
 * people, and the underlying cause. Callers branch on `code`, never on `message`.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C

  constructor (code: C, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}
