// A recovery plan in a restricted (untrusted) workspace, in the real workbench (Chromium +
// code-server with workspace trust on, the folder not trusted): a plan comes from a repository, so
// here it can be checked but not run. The plan's CodeLens offers Check Plan only, the Command
// Palette lists no command that runs or rehearses a plan, and Check Plan still reads everything and
// opens its readiness report.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openFromExplorer, openSdrs, openWorkbench, paletteTitles, previewText, ROOT, useWorkbench } from './workbench';

const PLAN = 'shop.sdrs-plan.json';
const PLAN_NAME = 'Shop: move to the DR site';

describe('a recovery plan in a restricted workspace (Chromium + code-server, the folder not trusted)', () => {
	const wb = useWorkbench('restricted', () => openWorkbench({ untrusted: true, files: { [PLAN]: readFileSync(join(ROOT, 'docs', 'examples', PLAN), 'utf8') } }));

	it('offers Check Plan only: no CodeLens or palette entry runs or rehearses the plan, and the check opens its report', async () => {
		const { page } = wb;
		// The workbench says it is in Restricted Mode (the harness shows that trust is on here).
		await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 60_000 });
		await openSdrs(page);
		await page
			.getByRole('button', { name: /Try the Demo/ })
			.last()
			.click({ timeout: 60_000 });
		await page
			.getByRole('treeitem', { name: /^la-south-2/ })
			.first()
			.waitFor({ timeout: 60_000 });

		await openFromExplorer(page, PLAN, PLAN_NAME);
		const lenses = page.locator('.contentWidgets .codelens-decoration a');
		const check = lenses.filter({ hasText: 'Check Plan' });
		await check.waitFor({ timeout: 60_000 });
		// The lenses of a plan come together: with Check Plan shown, the others would be too.
		assert.deepEqual(await lenses.allInnerTexts(), ['Check Plan']);
		await wb.shot('restricted-01-plan-lens');

		// The palette's list is virtual (only the rows in view exist): each query is narrow enough
		// to be shown whole, and holds a command that is there, so the check can see what is listed.
		const plans = await paletteTitles(page, 'SDRS: Plan');
		assert.ok(plans.includes('SDRS: Check Plan') && plans.includes('SDRS: Copy Plan Report as Markdown'), plans.join('\n'));
		for (const runs of ['SDRS: Run Plan…', 'SDRS: Rehearse Plan (DR Drills)', 'SDRS: Continue Plan']) {
			assert.ok(!plans.includes(runs), `${runs} is not offered:\n${plans.join('\n')}`);
		}
		const drills = await paletteTitles(page, 'SDRS: Drill');
		assert.ok(drills.includes('SDRS: Delete DR Drill'), drills.join('\n'));
		assert.ok(!drills.includes('SDRS: Clean Up Drills'), `Clean Up Drills is not offered:\n${drills.join('\n')}`);

		await check.click();
		const readiness = await previewText(page, new RegExp(`^Readiness of the plan “${PLAN_NAME}”$`, 'm'));
		assert.match(readiness, /^Planned Failover \(Switchover\)\t✓ yes\t8 of 8/m, readiness);
		await wb.shot('restricted-02-readiness-report');
	});
});
