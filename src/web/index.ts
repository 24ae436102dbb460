// The web client's only door for the server: where the built pages are. The client itself
// (client/) is bundled for the browser by build.ts (`npm run build`), never imported by Node code.
import { join } from 'node:path'

/** The built site (HTML pages and content-hashed assets): dist/site below the package root. */
export const SITE_DIR = join(__dirname, '..', '..', 'dist', 'site')

/** The pages, by route, and the HTML file the build writes for each. */
export const PAGES = { '/': 'index.html', '/verify': 'verify.html' } as const

/** Where the content-hashed bundle files go inside the site, and the URL prefix they are served at. */
export const ASSETS = 'assets'
