// UI-test plumbing: code-server with the packaged .vsix installed, headless Chromium on its
// workbench, and helpers that act as a person would (click, type, read what is on screen).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, logIn, startCodeServer } from '../harness/codeServer.mjs';

export const ROOT = resolve(__dirname, '../../..');
export const SHOTS = join(ROOT, 'test-results', 'screenshots');

export interface Workbench {
	page: Page;
	/** Opens the same folder in another window (a page of the same browser, same user data). */
	openWindow(): Promise<Page>;
	/** Everything code-server wrote (settings, state databases, logs) lives under here. */
	runDir: string;
	close(): Promise<void>;
	shot(name: string): Promise<string>;
}

/**
 * One workbench for a suite: opened before its tests (by `open`, after any `before` hook the suite
 * registered first, such as its simulator's), a screenshot named `failed-<name>-<test>` of each test
 * that failed, then `onFailed`; closed after the tests. The Workbench returned stands for the one
 * opened (using it before it is open throws).
 */
export function useWorkbench(name: string, open: () => Promise<Workbench>, onFailed?: (wb: Workbench) => Promise<unknown>): Workbench {
	let opened: Workbench | undefined;
	const current = (): Workbench => {
		if (!opened) {
			throw new Error(`the workbench of "${name}" is not open`);
		}
		return opened;
	};
	before(async () => {
		opened = await open();
	});
	afterEach(async function () {
		if (opened && this.currentTest?.state === 'failed') {
			await opened.shot(`failed-${name}-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`);
			await onFailed?.(opened);
		}
	});
	after(async () => {
		await opened?.close();
		opened = undefined;
	});
	return {
		get page() {
			return current().page;
		},
		get runDir() {
			return current().runDir;
		},
		openWindow: () => current().openWindow(),
		close: () => current().close(),
		shot: (shot) => current().shot(shot),
	};
}

export async function openWorkbench(
	opts: {
		settings?: Record<string, unknown>;
		locale?: string;
		extraArgs?: string[];
		fixtures?: string[];
		/** Files of the workspace folder, by name. */
		files?: Record<string, string>;
		/** The folder opens untrusted (Restricted Mode); otherwise workspace trust is off. */
		untrusted?: boolean;
	} = {},
): Promise<Workbench> {
	const runDir = mkdtempSync(join(process.env.SDRS_RUN_DIR ?? tmpdir(), 'sdrs-ui-'));
	const folder = join(runDir, 'workspace');
	mkdirSync(folder, { recursive: true });
	for (const [name, text] of Object.entries(opts.files ?? {})) {
		writeFileSync(join(folder, name), text);
	}
	mkdirSync(SHOTS, { recursive: true });
	// Without the smoke-test driver: with it, the workbench shows no notification toasts.
	const extraVsix = [...(opts.locale === 'zh-cn' ? ['locale-zh-cn'] : []), ...(opts.fixtures ?? [])].map((name) => packFixture(runDir, name));
	const server = await startCodeServer({
		runDir,
		folder,
		vsix: join(ROOT, 'sdrs-explorer.vsix'),
		extraVsix,
		locale: opts.locale,
		settings: opts.settings,
		smokeTestDriver: false,
		extraArgs: opts.extraArgs,
		workspaceTrust: opts.untrusted ?? false,
	});
	const browser = await launchBrowser({ locale: opts.locale });
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: opts.locale });
	await logIn(context, server);
	const open = async (): Promise<Page> => {
		const p = await context.newPage();
		await p.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
		await p.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
		return p;
	};
	const page = await open();
	return {
		page,
		openWindow: open,
		runDir,
		async shot(name) {
			await page.waitForTimeout(800); // notifications fade in
			const path = join(SHOTS, `${name}.png`);
			await page.screenshot({ path });
			return path;
		},
		async close() {
			await browser.close().catch(() => undefined);
			await server.stop();
			rmSync(runDir, { recursive: true, force: true });
		},
	};
}

/**
 * A test extension from test/fixtures, packaged into the run folder: locale-zh-cn, a minimal
 * language pack that declares zh-cn (VS Code switches its language only when a pack for it is
 * installed, and the real one comes from a marketplace these machines cannot reach); api-probe,
 * an ordinary extension that records what SDRS Explorer gives other extensions.
 */
function packFixture(runDir: string, name: string): string {
	const out = join(runDir, `${name}.vsix`);
	execFileSync(join(ROOT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--skip-license', '-o', out], { cwd: join(ROOT, 'test/fixtures', name), stdio: 'ignore' });
	return out;
}

export async function runCommand(page: Page, title: string): Promise<void> {
	await page.keyboard.press('F1');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor();
	await input.fill(`>${title}`);
	await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
	await page.keyboard.press('Enter');
}

/** Types into the open quick input (an input box) and presses Enter. */
export async function answerInput(page: Page, text: string, titlePart?: string | RegExp): Promise<void> {
	const widget = page.locator('.quick-input-widget');
	if (titlePart) {
		await widget.locator('.quick-input-title', { hasText: titlePart }).waitFor();
	}
	const input = widget.locator('input.input');
	await input.waitFor();
	await input.fill(text);
	await page.keyboard.press('Enter');
}

export function notification(page: Page, text: string | RegExp): Locator {
	return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

export function treeItem(page: Page, name: string | RegExp): Locator {
	return page.getByRole('treeitem', { name });
}

export async function openSdrs(page: Page): Promise<void> {
	await page.getByRole('tab', { name: /SDRS/ }).click();
}

/**
 * Hovers an item until `shown` appears: a hover can be missed on a busy machine (the pointer
 * must rest on the item), so it moves away and back, three times at most.
 */
export async function hoverUntil(page: Page, item: Locator, shown: Locator): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		await page.mouse.move(0, 0);
		await item.hover();
		try {
			await shown.waitFor({ timeout: 10_000 });
			return;
		} catch (e) {
			if (attempt >= 3) {
				throw e;
			}
		}
	}
}

/** Right-clicks a tree item and chooses a context-menu entry, as a person would. */
export async function contextMenu(page: Page, item: Locator, entry: string): Promise<void> {
	await item.click({ button: 'right' });
	const menuItem = page.getByRole('menuitem', { name: entry, exact: true });
	await menuItem.waitFor();
	await page.waitForTimeout(300); // the menu ignores clicks while it fades in
	await menuItem.click();
}

/** Every file under a folder (for the secret scan). */
export function filesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, entry.name);
		if (entry.isDirectory()) {
			out.push(...filesUnder(p));
		} else if (entry.isFile()) {
			out.push(p);
		}
	}
	return out;
}

/** Texts of every notification currently in the notification center (opens and closes it). */
export async function notificationTexts(page: Page): Promise<string[]> {
	const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
	await runCommand(page, 'Notifications: Show Notifications');
	await page.locator('.notifications-center').waitFor();
	const center = await page.locator('.notifications-center .notification-list-item').allInnerTexts();
	await page.keyboard.press('Escape');
	return [...toasts, ...center];
}

/**
 * The Markdown preview (a webview: frames inside the workbench's page) that shows `has`, as the
 * browser renders it: its text (a table row is its cells joined by tabs, a heading or list item
 * its own line, without Markdown's marks) and its second-level headings. The workbench's own page
 * (its notifications) never counts.
 */
export async function preview(page: Page, has: RegExp, timeoutMs = 60_000): Promise<{ text: string; h2: string[] }> {
	for (const until = Date.now() + timeoutMs; ;) {
		for (const frame of page.frames().filter((f) => f !== page.mainFrame())) {
			const text = (
				await frame
					.locator('body')
					.innerText({ timeout: 1000 })
					.catch(() => '')
			).replace(/\u00a0/g, ' ');
			if (has.test(text)) {
				return { text, h2: await frame.locator('h2').allInnerTexts() };
			}
		}
		if (Date.now() > until) {
			throw new Error(`no Markdown preview shows ${has}`);
		}
		await page.waitForTimeout(250);
	}
}

/** The text of the Markdown preview that shows `has` (see preview). */
export async function previewText(page: Page, has: RegExp, timeoutMs = 60_000): Promise<string> {
	return (await preview(page, has, timeoutMs)).text;
}

/**
 * Opens a file of the workspace as a person does: the Explorer, a click on the file, until an
 * editor shows `shows`. (On a busy machine the key can go astray, and an extension's view may come
 * back to the front while the Explorer renders, detaching the row: asked again, up to 4 times.)
 */
export async function openFromExplorer(page: Page, name: string, shows: string): Promise<Locator> {
	const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
	const editor = page.locator('.editor-instance .monaco-editor').first();
	for (let attempt = 1; ; attempt++) {
		try {
			await page.keyboard.press('Control+Shift+E');
			await file.waitFor({ timeout: 10_000 }).catch(() => page.getByRole('tab', { name: /^Explorer/ }).click());
			await file.click({ timeout: 15_000 });
			await editor.locator('.view-lines', { hasText: shows }).waitFor({ timeout: 15_000 });
			return editor;
		} catch (e) {
			if (attempt >= 4) {
				throw e;
			}
		}
	}
}

/** The titles the Command Palette lists for `text` (nothing is run; the palette is closed again). */
export async function paletteTitles(page: Page, text: string): Promise<string[]> {
	await page.keyboard.press('F1');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor();
	await input.fill(`>${text}`);
	await page.waitForTimeout(1000); // the list settles
	const titles = await page.locator('.quick-input-widget .monaco-list-row .label-name').allInnerTexts();
	await page.keyboard.press('Escape');
	return titles.map((t) => t.replace(/\u00a0/g, ' ').trim());
}
