// The demo's recovery plan in the real workbench (Chromium + code-server): opened from the
// workspace, an edit that breaks the schema reported on its line in the Problems panel, undone,
// then Check Plan from the CodeLens above the plan and its readiness report in an editor tab; then
// Run Plan… from the CodeLens as a Planned Failover (the mode picked, the modal with the whole plan,
// the number of groups typed, the one prompt answered), every group at the other site and the run
// report; then Rehearse Plan (DR Drills) from the CodeLens, its report's reminder, and Clean Up Drills.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { answerInput, hoverUntil, notification, openFromExplorer, openSdrs, openWorkbench, preview, previewText, ROOT, runCommand, treeItem, useWorkbench, type Workbench } from './workbench';

const PLAN = 'shop.sdrs-plan.json';
const PLAN_NAME = 'Shop: move to the DR site';
const GROUPS = ['shop-db-1', 'shop-db-2', 'shop-db-3', 'shop-app-1', 'shop-app-2', 'shop-app-3', 'shop-web-1', 'shop-web-2'];

/** Clicks a CodeLens above the plan (the plan's tab brought to the front first). */
async function planLens(page: Page, title: string): Promise<void> {
	await page.locator('.tabs-container [role=tab]', { hasText: PLAN }).first().click();
	const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: title });
	await lens.waitFor({ timeout: 60_000 });
	await lens.click();
}

/** Whether an item is shown whole inside a container (a list's rows outside its view are still in the page). */
async function within(item: Locator, container: Locator): Promise<boolean> {
	const [a, b] = [await item.boundingBox({ timeout: 1000 }).catch(() => null), await container.boundingBox({ timeout: 1000 }).catch(() => null)];
	return !!a && !!b && a.y >= b.y && a.y + a.height <= b.y + b.height;
}

/** The modal dialog (notifications are rows with the role “dialog” too). */
const modal = (page: Page): Locator => page.locator('.monaco-dialog-box[role=dialog]');

/** The run's typed confirmation: the modal with the whole plan, Continue…, then the number typed. */
async function confirmPlan(wb: Workbench, question: RegExp, shot: string): Promise<void> {
	const { page } = wb;
	const dialog = modal(page);
	await dialog.getByText(question).waitFor({ timeout: 90_000 });
	// Where it runs, and every group by step (with its checks, or one line per step when they do
	// not fit), before anything is typed. (The dialog renders each line as its own element: the
	// text read runs one line into the next, hence no word boundary after a name.)
	await dialog.getByText(/Profile “Demo \(simulated\)”.*project la-south-2/).waitFor();
	for (const name of GROUPS) {
		await dialog.getByText(new RegExp(`✓ ${name}(?!\\d)|• ${name} \\(Protected\\)`)).waitFor();
	}
	await dialog.getByText(/Step 2: a person confirms: Confirm the databases are consistent/).waitFor();
	await wb.shot(shot);
	await dialog.getByRole('button', { name: 'Continue…' }).click();
	await dialog.waitFor({ state: 'hidden' });
	await answerInput(page, String(GROUPS.length), new RegExp(`plan “${PLAN_NAME}”`));
}

/** The plan's one prompt: a modal that pauses the run; Continue goes on. */
async function answerPrompt(wb: Workbench, shot: string): Promise<void> {
	const dialog = modal(wb.page);
	await dialog.getByText(new RegExp(`Plan “${PLAN_NAME}”, step 2 of 4: Confirm the databases are consistent`)).waitFor({ timeout: 120_000 });
	await wb.shot(shot);
	await dialog.getByRole('button', { name: 'Continue', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });
}

describe('recovery plans in the workbench (Chromium + code-server)', () => {
	const wb = useWorkbench(
		'plan',
		() => openWorkbench({ files: { [PLAN]: readFileSync(join(ROOT, 'docs', 'examples', PLAN), 'utf8') } }),
		// A question left open would stand in the next test's way.
		async (opened) => {
			await opened.page.keyboard.press('Escape');
			await opened.page.keyboard.press('Escape');
		},
	);

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
		const editor = await openFromExplorer(page, PLAN, PLAN_NAME);
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
		// Rendered: a table row is its cells joined by tabs.
		const readiness = await previewText(page, /^Readiness of the plan “Shop: move to the DR site”$/m);
		assert.match(readiness, /^Would the plan go\?$/m, readiness);
		assert.match(readiness, /^Planned Failover \(Switchover\)\t✓ yes\t8 of 8/m, readiness);
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

	it('runs the plan as a Planned Failover from the CodeLens: typed confirmation, the prompt answered, every group at the other site, the run report', async function () {
		this.timeout(300_000);
		const { page } = wb;
		await planLens(page, 'Run Plan…');
		const widget = page.locator('.quick-input-widget');
		const mode = widget.locator('.monaco-list-row', { hasText: 'Planned Failover (Switchover)' });
		await mode.waitFor({ timeout: 30_000 });
		await widget.locator('.monaco-list-row', { hasText: 'Enable Protection Again' }).waitFor();
		await wb.shot('plan-03-run-mode');
		await mode.click();
		await confirmPlan(wb, new RegExp(`Planned Failover \\(Switchover\\): plan “${PLAN_NAME}”, 8 protection groups in 4 steps\\?`), 'plan-04-run-confirm');
		await answerPrompt(wb, 'plan-05-run-prompt');
		await notification(page, new RegExp(`Plan “${PLAN_NAME}” \\(Planned Failover \\(Switchover\\)\\): ended\\.`)).waitFor({ timeout: 150_000 });
		const { text: report, h2 } = await preview(page, /^Recovery plan “Shop: move to the DR site”: Planned Failover \(Switchover\)$/m);
		await wb.shot('plan-06-run-report');

		// The report: every step, each group's row succeeded, and the achieved RTO of each group step.
		assert.match(report, /^Outcome: ended/m);
		// Its sections are the four steps, and nothing else (a failover has no drill servers).
		assert.deepEqual(
			h2.map((t) => t.replace(/:.*/s, '')),
			['Step 1 of 4', 'Step 2 of 4', 'Step 3 of 4', 'Step 4 of 4'],
			report,
		);
		const steps = report.split(/^(?=Step \d of 4: )/m).slice(1);
		assert.equal(steps.length, 4, report);
		const expected: [RegExp, string[]][] = [
			[/^Step 1 of 4: Databases · 3 protection groups/, GROUPS.slice(0, 3)],
			[/^Step 2 of 4: a person confirms/, []],
			[/^Step 3 of 4: Services · 3 protection groups/, GROUPS.slice(3, 6)],
			[/^Step 4 of 4: Web · 2 protection groups/, GROUPS.slice(6)],
		];
		expected.forEach(([title, groups], i) => {
			const step = steps[i];
			assert.match(step, title, step);
			assert.match(step, /^State: done/m, step);
			if (groups.length) {
				assert.match(step, /^Achieved RTO: (\d+m )?\d+s \(from the confirmation to the step’s last group\)/m, step);
			}
			for (const g of groups) {
				assert.match(step, new RegExp(`^${g}\\tPlanned Failover \\(Switchover\\)\\t[^\\n]*\\tsucceeded$`, 'm'), step);
			}
		});
		assert.match(steps[1], /Confirm\s+the\s+databases\s+are\s+consistent/);

		// The tree: every group's production site is now the DR site (its tooltip).
		// (the SDRS view may be in front already: its icon clicked again would close the side bar)
		const project = treeItem(page, /^la-south-2/).first();
		if (!(await project.isVisible())) {
			await openSdrs(page);
		}
		await project.waitFor({ timeout: 30_000 });
		if ((await project.getAttribute('aria-expanded')) !== 'true') {
			await project.click();
		}
		for (const name of GROUPS) {
			const item = treeItem(page, new RegExp(`group ${name}, status Protected`));
			// The list scrolls itself (Playwright cannot): the wheel, until the row is inside the view.
			const pane = page.locator('.pane-body', { has: project });
			for (let i = 0; i < 30 && !(await within(item, pane)); i++) {
				await project.hover();
				await page.mouse.wheel(0, 44);
				await page.waitForTimeout(250);
			}
			await hoverUntil(page, item, page.locator('.monaco-hover').filter({ hasText: name }).filter({ hasText: 'Current production site' }).filter({ hasText: 'la-south-2b (target)' }).first());
		}
		await wb.shot('plan-07-groups-at-dr-site');
		await page.mouse.move(0, 0);
	});

	it('rehearses the plan from the CodeLens (a drill per group, the report reminding of the drill servers), then cleans up the drills', async function () {
		this.timeout(300_000);
		const { page } = wb;
		await planLens(page, 'Rehearse Plan (DR Drills)');
		await confirmPlan(wb, new RegExp(`Rehearsal \\(DR drills\\): plan “${PLAN_NAME}”, 8 protection groups in 4 steps\\?`), 'plan-08-rehearse-confirm');
		await answerPrompt(wb, 'plan-09-rehearse-prompt');
		await notification(page, new RegExp(`Plan “${PLAN_NAME}” \\(Rehearsal \\(DR drills\\)\\): ended\\.`)).waitFor({ timeout: 150_000 });
		const { text: report, h2 } = await preview(page, /^Recovery plan “Shop: move to the DR site”: Rehearsal \(DR drills\)$/m);
		await wb.shot('plan-10-rehearsal-report');
		for (const g of GROUPS) {
			assert.match(report, new RegExp(`^${g}\\tStart DR Drill\\t[^\\n]*\\tsucceeded$`, 'm'), report);
			assert.match(report, new RegExp(`^${g}: drill “[^”]+”, servers: \\S`, 'm'), report);
		}
		assert.deepEqual(
			h2.map((t) => t.replace(/^(Step \d of 4):.*/s, '$1')),
			['Step 1 of 4', 'Step 2 of 4', 'Step 3 of 4', 'Step 4 of 4', 'Drill servers that exist now'],
			report,
		);
		assert.match(report, /Reminder: run “Clean Up Drills” to delete these drills and their servers\./, report);

		// Clean Up Drills from the Command Palette: one question naming them all, whose selected
		// answer is Cancel (Enter deletes nothing); the action chosen with the mouse.
		await runCommand(page, 'SDRS: Clean Up Drills');
		const widget = page.locator('.quick-input-widget');
		await widget.locator('.quick-input-title', { hasText: new RegExp(`Delete the 8 DR drills rehearsal “${PLAN_NAME}” created\\?`) }).waitFor({ timeout: 30_000 });
		await widget.locator('.monaco-list-row', { hasText: /“shop-db-1-drill-[^”]*” of “shop-db-1”: \d+ drill server/ }).waitFor();
		await widget.locator('.monaco-list-row.focused', { hasText: /^Cancel/ }).waitFor();
		await wb.shot('plan-11-clean-up-confirm');
		await widget.locator('.monaco-list-row', { hasText: /^Delete 8 Drills/ }).click();
		await notification(page, new RegExp(`Deleted 8 of 8 DR drills of rehearsal “${PLAN_NAME}”\\.`)).waitFor({ timeout: 150_000 });
		await wb.shot('plan-12-cleaned-up');
	});
});
