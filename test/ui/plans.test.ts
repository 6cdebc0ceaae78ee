// The demo's recovery plan in the real workbench (Chromium + code-server): opened from the
// workspace, an edit that breaks the schema reported on its line in the Problems panel, undone,
// then Check Plan from the CodeLens above the plan and its readiness report in an editor tab.
// (Running the plan is added here with the run's commands.)
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSdrs, openWorkbench, ROOT, runCommand, type Workbench } from './workbench';

const PLAN = 'shop.sdrs-plan.json';

describe('recovery plans in the workbench (Chromium + code-server)', () => {
	let wb: Workbench;
	before(async () => {
		wb = await openWorkbench({ files: { [PLAN]: readFileSync(join(ROOT, 'docs', 'examples', PLAN), 'utf8') } });
	});
	afterEach(async function () {
		if (this.currentTest?.state === 'failed') {
			await wb?.shot(`failed-plan-${this.currentTest.title.slice(0, 30).replace(/\W+/g, '-')}`);
		}
	});
	after(async () => {
		await wb?.close();
	});

	it('opens the demo plan, sees a schema error on its line in the Problems panel, and checks the plan', async () => {
		const { page } = wb;
		await openSdrs(page);
		// The welcome view's button (the extension may still be starting on a busy machine).
		const tryDemo = page.getByRole('button', { name: /Try the Demo/ }).last();
		await tryDemo.waitFor({ timeout: 90_000 });
		await tryDemo.click();
		await page
			.getByRole('treeitem', { name: /^la-south-2/ })
			.first()
			.waitFor({ timeout: 60_000 });

		// Open the plan as a person does: the Explorer, a click on the file.
		await page.keyboard.press('Control+Shift+E');
		const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: PLAN }).first();
		await file.waitFor({ timeout: 60_000 });
		await file.click();
		const editor = page.locator('.editor-instance .monaco-editor').first();
		await editor.locator('.view-lines', { hasText: 'Shop: move to the DR site' }).waitFor();
		const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Check Plan' });
		await lens.waitFor({ timeout: 60_000 });

		// An edit that breaks the schema: a property a plan may not have, on line 2.
		await editor.locator('.view-lines').click();
		await page.keyboard.press('Control+Home');
		await page.keyboard.press('End');
		await page.keyboard.press('Enter');
		await page.keyboard.insertText('"endpoint": "https://example.invalid",');
		await page.keyboard.press('Control+Shift+M');
		const row = page.locator('.markers-panel .monaco-list-row', { hasText: '“endpoint” is not part of a plan' });
		await row.waitFor({ timeout: 30_000 });
		assert.match(await row.innerText(), /\[Ln 2, Col \d+\]/);
		await wb.shot('plan-01-schema-error');

		// Undone: the problem goes; then Check Plan from the CodeLens.
		await editor.locator('.view-lines').click();
		for (let i = 0; i < 3; i++) {
			await page.keyboard.press('Control+Z');
		}
		await editor.locator('.view-lines', { hasText: 'endpoint' }).waitFor({ state: 'detached' });
		await row.waitFor({ state: 'detached', timeout: 30_000 });
		await lens.click();
		const report = page.locator('.editor-instance .view-lines', { hasText: 'Readiness of the plan' });
		await report.waitFor({ timeout: 60_000 });
		await page.locator('.editor-instance .view-lines', { hasText: 'Would the plan go?' }).waitFor();
		await page.locator('.editor-instance .view-lines', { hasText: /Planned\sFailover\s\\\(Switchover\\\)\s\|\s✓\syes\s\|\s8\sof\s8/ }).waitFor();
		// (the report is Markdown source: the parentheses of the mode's title are escaped; Monaco
		// renders spaces as non-breaking ones, which \s matches)
		await wb.shot('plan-02-readiness-report');
		// The Command Palette has it too: with the report in front, it finds the workspace's one plan.
		const tabs = page.locator('.tabs-container [role=tab]');
		const open = await tabs.count();
		await runCommand(page, 'SDRS: Check Plan');
		for (const until = Date.now() + 60_000; (await tabs.count()) !== open + 1;) {
			assert.ok(Date.now() < until, 'a second report tab');
			await page.waitForTimeout(250);
		}
	});
});
