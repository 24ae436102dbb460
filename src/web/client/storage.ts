/**
 * What the pages remember, and where. The token and the RPC URLs (whose paths may hold an API
 * key; one for the sealing chain, one per later clock's chain) stay in this tab's sessionStorage, never in a URL; a pinned trust root is public and meant to
 * last, so it goes to localStorage.
 */
const TOKEN = 'hyperseal.token'
const RPC = 'hyperseal.rpc'
const TRUST = 'hyperseal.trust'

function read (store: Storage, name: string): string | null {
  try {
    return store.getItem(name)
  } catch {
    return null // storage disabled: the pages work, they just forget
  }
}

function write (store: Storage, name: string, value: string | null): void {
  try {
    if (value === null) store.removeItem(name)
    else store.setItem(name, value)
  } catch {
    // storage disabled or full: nothing is remembered
  }
}

export const savedToken = (): string | null => read(sessionStorage, TOKEN)
export const saveToken = (token: string | null): void => write(sessionStorage, TOKEN, token)
export const savedRpc = (): string | null => read(sessionStorage, RPC)
export const saveRpc = (url: string | null): void => write(sessionStorage, RPC, url)
export const savedAnchorRpc = (chainId: number): string | null => read(sessionStorage, `${RPC}.${chainId}`)
export const saveAnchorRpc = (chainId: number, url: string | null): void => write(sessionStorage, `${RPC}.${chainId}`, url === '' ? null : url)
export const savedTrust = (): string | null => read(localStorage, TRUST)
export const saveTrust = (json: string | null): void => write(localStorage, TRUST, json)
