import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const CSS = readFileSync(resolve(__dirname, '../../src/web/client/styles.css'), 'utf8')

/** The colour variables of the light scheme (the first :root) and of the dark one (inside the media query). */
function palettes (): Record<'light' | 'dark', Record<string, string>> {
  const dark = CSS.indexOf('@media (prefers-color-scheme: dark)')
  const vars = (text: string): Record<string, string> => Object.fromEntries([...text.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/g)].map((m) => [m[1], m[2]]))
  return { light: vars(CSS.slice(0, dark)), dark: vars(CSS.slice(dark)) }
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
function contrast (a: string, b: string): number {
  const lum = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

describe('the pages\' colours meet WCAG AA contrast (4.5:1 for text) in both schemes', () => {
  // Text colour on the background it is drawn on, as styles.css pairs them.
  const PAIRS = [['fg', 'bg'], ['fg', 'panel'], ['muted', 'bg'], ['muted', 'panel'], ['link', 'bg'], ['link', 'panel'], ['bg', 'link'],
    ['good', 'good-bg'], ['wait', 'wait-bg'], ['bad', 'bad-bg'], ['good', 'panel'], ['wait', 'panel'], ['bad', 'panel'], ['wait', 'bg']]
  for (const [scheme, colours] of Object.entries(palettes())) {
    it(`${scheme}: every text colour on its background`, () => {
      for (const [text, background] of PAIRS) {
        expect(colours[text], `--${text}`).to.match(/^#/)
        expect(colours[background], `--${background}`).to.match(/^#/)
        expect(contrast(colours[text], colours[background]), `${scheme} --${text} on --${background}`).to.be.at.least(4.5)
      }
    })
  }
})
