// Helpers shared by the e2e files: polling, screenshots of the work area.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './server.ts';

export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; fails with `what` after the timeout. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Screenshot into docs/screenshots. With `full`, the viewport grows to fit the whole work area
 * (the app scrolls inside <main>). Animations (pulses, the alarm banner's blinking) are frozen so
 * the picture is stable; toasts are hidden.
 */
export async function screenshot(p: Page, name: string, full = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = p.viewportSize() ?? { width: 1600, height: 960 };
  if (full) {
    const height = await p.$eval('#main', (m) => m.scrollHeight + 48 + ((document.querySelector('[data-testid="alarm-banner"]') as HTMLElement | null)?.offsetHeight ?? 0));
    await p.setViewportSize({ width: size.width, height: Math.max(size.height, Math.min(height, 4000)) });
  }
  const style = await p.addStyleTag({ content: '*{animation:none!important;transition:none!important} .toasts{display:none!important}' });
  await p.screenshot({ path: join(SCREENSHOTS, name) });
  await style.evaluate((node) => (node as Element).remove());
  if (full) await p.setViewportSize(size);
}

/** Signs in on the login form and waits until the link has reopened with the session. */
export async function signIn(p: Page, username: string, password: string): Promise<void> {
  await p.waitForSelector('[data-testid="login-form"]');
  await p.fill('[data-testid="login-username"]', username);
  await p.fill('[data-testid="login-password"]', password);
  await p.click('[data-testid="login-submit"]');
  await p.waitForSelector(`[data-testid="user-badge"][data-username="${username}"]`);
  await p.waitForSelector('[data-testid="login-form"]', { state: 'detached' });
  // Signing in reopens the link with the session: wait for it before the next action.
  await p.waitForSelector('[data-testid="connection-state"][data-state="open"]');
}

/** Signs out and waits for the login form. */
export async function signOut(p: Page): Promise<void> {
  await p.click('[data-testid="sign-out"]');
  await p.waitForSelector('[data-testid="login-form"]');
}
