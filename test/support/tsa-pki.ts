/**
 * A throw-away PKI for the test TSA, made by the `openssl` command in a temp dir: a test CA,
 * the TSA's certificate (critical EKU id-kp-timeStamping, as RFC 3161 §2.3 asks) and the bad
 * variants tests provoke refusals with. All keys are EC P-256 (fast to make).
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface KeyAndCert { key: string, cert: string, chain: string }

export interface TsaPki {
  dir: string
  /** The CA the tests trust. */
  caPem: string
  /** What the TSA signs with, per `TsaCert`. */
  signers: Record<'valid' | 'expired' | 'untrusted' | 'not-tsa', KeyAndCert>
  /** A second certificate for the valid TSA's key (another serial): the substitution ESSCertID guards against. */
  twinCert: string
}

export async function openssl (args: string[], cwd: string): Promise<void> {
  await run('openssl', args, { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } })
}

const TSA_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n'
const PLAIN_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\n'

function caConfig (dir: string, name: string): string {
  return `[ca]\ndefault_ca = test_ca\n[test_ca]\ndir = ${dir}\ndatabase = ${dir}/${name}.index\nnew_certs_dir = ${dir}\nserial = ${dir}/${name}.serial\n` +
    'default_md = sha256\npolicy = any\nunique_subject = no\nemail_in_dn = no\ncopy_extensions = none\n[any]\ncommonName = supplied\norganizationName = optional\n'
}

async function makeCa (dir: string, name: string, subject: string): Promise<void> {
  await openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-subj', subject, '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
  writeFileSync(join(dir, `${name}.index`), '')
  writeFileSync(join(dir, `${name}.serial`), '1000\n')
  writeFileSync(join(dir, `${name}.cnf`), caConfig(dir, name))
}

/** A leaf key and certificate issued by CA `ca`, valid from `start` to `end` (openssl ca's YYYYMMDDHHMMSSZ). */
async function issue (dir: string, ca: string, name: string, subject: string, ext: string, start: string, end: string): Promise<KeyAndCert> {
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir)
  return reissue(dir, ca, name, name, ext, start, end)
}

/** A certificate `out` for the key and request of `name`. */
async function reissue (dir: string, ca: string, name: string, out: string, ext: string, start: string, end: string): Promise<KeyAndCert> {
  writeFileSync(join(dir, `${out}.ext`), ext)
  await openssl(['ca', '-batch', '-config', `${ca}.cnf`, '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', `${name}.csr`, '-out', `${out}.pem`,
    '-extfile', `${out}.ext`, '-startdate', start, '-enddate', end, '-notext'], dir)
  return { key: join(dir, `${name}.key`), cert: join(dir, `${out}.pem`), chain: join(dir, `${ca}.pem`) }
}

function stamp (date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')
}

export async function makeTsaPki (dir: string): Promise<TsaPki> {
  const from = stamp(new Date(Date.now() - 86_400_000))
  const to = stamp(new Date(Date.now() + 7 * 86_400_000))
  // The rogue CA bears the trusted CA's very name: only its signature tells them apart.
  await makeCa(dir, 'ca', '/O=Hyperseal tests/CN=Hyperseal Test CA')
  await makeCa(dir, 'rogue', '/O=Hyperseal tests/CN=Hyperseal Test CA')
  const tsaSubject = '/O=Hyperseal tests/CN=Hyperseal Test TSA'
  const valid = await issue(dir, 'ca', 'tsa', tsaSubject, TSA_EXT, from, to)
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    twinCert: (await reissue(dir, 'ca', 'tsa', 'twin', TSA_EXT, from, to)).cert,
    signers: {
      valid,
      expired: await issue(dir, 'ca', 'expired', tsaSubject, TSA_EXT, '20200101000000Z', '20200102000000Z'),
      untrusted: await issue(dir, 'rogue', 'untrusted', tsaSubject, TSA_EXT, from, to),
      'not-tsa': await issue(dir, 'ca', 'plain', '/O=Hyperseal tests/CN=Not a TSA', PLAIN_EXT, from, to)
    }
  }
}
