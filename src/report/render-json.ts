import type { SignedReport } from './types'

/** The signed report's file bytes (the JSON rendering, and the PDF's `report.json` attachment). */
export function renderSignedJson (signed: SignedReport): Buffer {
  return Buffer.from(JSON.stringify(signed, null, 2) + '\n')
}
