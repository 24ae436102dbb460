/**
 * The pages' Content-Security-Policy. No inline script, no inline style sheet, nothing from
 * another origin but the chain's JSON-RPC endpoints the verifier reads:
 *
 *   default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';
 *   img-src 'self' data: blob:; connect-src 'self' <RPC origins>; base-uri 'none';
 *   form-action 'none'; frame-ancestors 'none'
 *
 * `'wasm-unsafe-eval'` lets the page compile WebAssembly (the BLAKE2b and SHA-2 of libsodium's
 * JavaScript port, which Hypercore's hashes need) and nothing else: no eval of JavaScript, no
 * inline script.
 *
 * The RPC a user picks cannot be known when the policy is written, and `connect-src *` would let
 * an injected script send anything anywhere. So the page names its RPC's origin (only the origin:
 * an RPC URL's path may carry an API key) in its own URL, `/verify?rpc=<origin>` (and
 * `&anchors=<chainId>:<origin>,…` for the later clocks' chains), and the policy of that page
 * allows exactly the trust root's RPC hints and those origins. Choosing another RPC
 * reloads the page with the new origin; nothing is ever fetched from an origin the URL does not
 * show.
 */

/** `scheme://host[:port]` of an http(s) URL, or null. */
export function httpOrigin (value: string): string | null {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null
  } catch {
    return null
  }
}

export function contentSecurityPolicy (connect: readonly string[]): string {
  const origins = [...new Set(connect.map(httpOrigin).filter((o): o is string => o !== null))]
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${["'self'", ...origins].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'"
  ].join('; ')
}
