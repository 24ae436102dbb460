/**
 * The reading rule of every append-only JSON Lines file in the data directory (the watch list,
 * the pass history, the alert outbox): the file starts with `{"v":1}`; a write's lines go out in
 * one `write` and are acknowledged after `datasync`, so a crash can only cut the last write.
 * Lines that do not parse at the end are dropped (nothing acknowledged was in them) and the
 * caller cuts the file back to `goodBytes`; a bad line followed by a good one is damage.
 */
export const JSONL_HEADER = '{"v":1}\n'

export interface Replayed<T> {
  records: T[]
  /** Bytes of the file's good part: what stays when a torn tail is cut. */
  goodBytes: number
  torn: boolean
}

/**
 * The records of `text`, each parsed by `parse`. `isBadLine` says which errors of `parse` mean
 * "not a record" (a JSON syntax error always does); `damaged` builds the caller's own error
 * from a phrase such as `does not start with {"v":1}`.
 */
export function replayJsonLines<T> (
  text: string,
  parse: (json: unknown) => T,
  isBadLine: (err: unknown) => boolean,
  damaged: (what: string) => Error
): Replayed<T> {
  if (!text.startsWith(JSONL_HEADER)) throw damaged('does not start with {"v":1}')
  const records: T[] = []
  let good = JSONL_HEADER.length
  let bad: number | null = null
  for (let start = JSONL_HEADER.length, nl = text.indexOf('\n', start); nl !== -1; start = nl + 1, nl = text.indexOf('\n', start)) {
    let rec: T
    try {
      rec = parse(JSON.parse(text.slice(start, nl)))
    } catch (err) {
      if (!(err instanceof SyntaxError || isBadLine(err))) throw err
      bad = bad ?? start
      continue
    }
    if (bad !== null) throw damaged(`has a bad record at character ${bad} before good ones`)
    records.push(rec)
    good = nl + 1
  }
  return { records, goodBytes: Buffer.byteLength(text.slice(0, good)), torn: good < text.length }
}
