import { readFile } from 'node:fs/promises'
import { Wallet } from 'ethers'
import { ChainError } from './errors'

/**
 * The private key in an encrypted JSON keystore (the geth / ethers / Foundry `cast wallet` format).
 * `name` says which setting named the file, for the error. Neither the password nor the key
 * ever appears in an error.
 */
export async function decryptKeystore (name: string, path: string, password: string): Promise<string> {
  let json: string
  try {
    json = await readFile(path, 'utf8')
  } catch (err) {
    throw new ChainError('INVALID_CONFIG', `${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err })
  }
  try {
    return (await Wallet.fromEncryptedJson(json, password)).privateKey
  } catch {
    throw new ChainError('INVALID_CONFIG', `${name}: ${path} is not a keystore that this password opens`)
  }
}
