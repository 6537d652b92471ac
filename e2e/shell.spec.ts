import { test, expect } from './fixtures';

test('the harness page loads the app with no console errors', async ({ page, harness, consoleErrors }) => {
  await page.goto(harness.pageUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.locator('.version')).toHaveText(/^v\d+\.\d+\.\d+/);
  expect(consoleErrors).toEqual([]);
});

test('the harness refuses calls without its token', async ({ request, harness }) => {
  const refused = await request.post(`${harness.url}__harness/ipc/app:get-info`, { data: { arg: null, undef: true } });
  expect(refused.status()).toBe(403);
  const accepted = await request.post(`${harness.url}__harness/ipc/app:get-info`, {
    data: { arg: null, undef: true },
    headers: { 'x-harness-token': harness.token },
  });
  expect(accepted.status()).toBe(200);
  expect((await accepted.json()).value.host).toBe('harness');
});

test('the page is served with a strict Content-Security-Policy', async ({ request, harness }) => {
  const page = await request.get(harness.url);
  const csp = page.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
});

test('a spreadsheet opened with the app lands on the Spreadsheet screen, previewed', async ({ page }) => {
  const { launchHarness, stopHarness } = await import('./fixtures');
  const csv = new URL('../sandbox/demo/house-prices.csv', import.meta.url).pathname;
  const own = await launchHarness(undefined, ['--open', csv]);
  try {
    await page.goto(own.pageUrl);
    await expect(page.getByRole('button', { name: 'Spreadsheet' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('grid', { name: 'Preview of the first rows' })).toContainText('L-1002');
  } finally {
    await stopHarness(own);
  }
});
