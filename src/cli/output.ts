/** What a command prints on success: the answer as one JSON document with --json, else lines for people. */
export function printResult (json: boolean | undefined, value: unknown, lines: () => string[]): void {
  process.stdout.write(json === true ? JSON.stringify(value, null, 2) + '\n' : lines().map((l) => l + '\n').join(''))
}

/** Collects a repeatable option (`--peer a --peer b`). */
export function collect (value: string, previous: string[] | undefined): string[] {
  return (previous ?? []).concat([value])
}
