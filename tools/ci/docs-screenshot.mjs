// The API reference in headless Chromium, as a newcomer uses it against ./xylo run: load /docs (failing on any console
// error, CSP violation or request leaving the origin), sign in with the dev sign-in, paste the token under Authentication,
// "Test Request" GET /me, and save two screenshots. Usage (Debian: apt-get install chromium):
//   node tools/ci/docs-screenshot.mjs [base-url (http://localhost:3000)] [output dir (docs)]
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://localhost:3000';
const out = process.argv[3] ?? 'docs';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
const problems = [];
page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('pageerror', e => problems.push(`page error: ${e.message}`));
page.on('request', r => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`left the origin: ${r.url()}`); });

const signIn = await page.request.post(`${base}/auth/dev/sign-in`, { data: { handle: 'docs-reader', roles: ['admin'] } });
if (!signIn.ok()) throw new Error(`dev sign-in answered ${signIn.status()} (is this ./xylo run, in Development?)`);
const token = (await signIn.json()).accessToken;

await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
await page.getByText('Rewards and mints').first().waitFor();
await page.getByPlaceholder('Token').first().fill(token);
await page.screenshot({ path: `${out}/api-reference.png` });

await page.getByText('Your profile').first().click();
await page.getByRole('button', { name: /Test Request/ }).first().click();
await page.getByRole('button', { name: /^Send/ }).first().click();
await page.getByText('"docs-reader"').first().waitFor({ timeout: 15000 }); // the answer's body: the signed-in handle
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/api-reference-try-it.png` });
await browser.close();

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`ok: /docs loaded under the CSP with nothing leaving ${base}; an authorized GET /me answered 200; screenshots in ${out}/`);
