// A DR drill started and deleted from the tree, in the real workbench (Chromium + code-server)
// against the demo: right-click Start DR Drill on dr-drill-ready, the name box and the VPC
// Quick Pick, the drill's end naming its drill servers, then right-click Delete DR Drill on the
// drill and its question, whose selected answer is Cancel: Enter deletes nothing; the action is
// chosen with the mouse.
import { contextMenu, notification, openSdrs, openWorkbench, treeItem, useWorkbench } from './workbench';

describe('DR drills in the workbench (Chromium + code-server)', () => {
	const wb = useWorkbench('drill', () => openWorkbench());

	it('starts a drill on dr-drill-ready into vpc-santiago-drill from the tree, then deletes it', async () => {
		const { page } = wb;
		await openSdrs(page);
		await page
			.getByRole('button', { name: /Try the Demo/ })
			.last()
			.click();
		await treeItem(page, /^la-south-2/)
			.first()
			.click();
		const group = treeItem(page, /dr-drill-ready/).first();
		await group.waitFor({ timeout: 30_000 });
		await contextMenu(page, group, 'Start DR Drill');
		const widget = page.locator('.quick-input-widget');
		const input = widget.locator('input.input');
		await widget.locator('.quick-input-title', { hasText: /Start DR Drill: “dr-drill-ready”/ }).waitFor();
		await input.fill('ui-drill-1');
		await page.keyboard.press('Enter');
		// The VPC: the service's own first, then the project's others (never the group's own).
		await widget.locator('.monaco-list-row', { hasText: 'Let the service create a drill VPC (default)' }).waitFor();
		await wb.shot('drill-01-vpc');
		await input.fill('vpc-santiago-drill');
		await widget.locator('.monaco-list-row', { hasText: 'vpc-santiago-drill' }).first().waitFor();
		await page.keyboard.press('Enter');
		await notification(page, /DR drill “ui-drill-1” of “dr-drill-ready” is ready\. Drill servers: .*ui-drill-1-/).waitFor({ timeout: 90_000 });
		await wb.shot('drill-02-created');
		await group.click();
		await treeItem(page, /^DR drills/)
			.first()
			.click();
		const drill = treeItem(page, /DR drill ui-drill-1, status available/);
		// The section's items may be below the fold: the focus walks down to them, as a keyboard user's would.
		for (let i = 0; i < 6 && !(await drill.isVisible()); i++) {
			await page.keyboard.press('ArrowDown');
			await page.waitForTimeout(300);
		}
		await drill.waitFor({ timeout: 30_000 });
		await contextMenu(page, drill, 'Delete DR Drill');
		await widget.locator('.quick-input-title', { hasText: /Delete DR drill “ui-drill-1” of protection group “dr-drill-ready”\?/ }).waitFor();
		await widget.locator('.monaco-list-row', { hasText: /Deleted: the \d+ drill server\(s\) of “ui-drill-1”, with their disks and NICs\./ }).waitFor();
		await widget.locator('.monaco-list-row', { hasText: 'Kept: the drill VPC and its subnets.' }).waitFor();
		// Nothing destructive is selected: the focused answer is Cancel.
		await widget.locator('.monaco-list-row.focused', { hasText: /^Cancel/ }).waitFor();
		await wb.shot('drill-03-delete');
		await page.keyboard.press('Enter');
		await widget.waitFor({ state: 'hidden' });
		// Enter deleted nothing: the drill stays available (a DELETE would show it deleting, then gone).
		await page.waitForTimeout(3000);
		await drill.waitFor({ timeout: 5000 });
		await contextMenu(page, drill, 'Delete DR Drill');
		await widget.locator('.monaco-list-row.focused', { hasText: /^Cancel/ }).waitFor();
		await widget.locator('.monaco-list-row', { hasText: 'Delete DR Drill' }).click();
		await notification(page, /DR drill of “dr-drill-ready” deleted/).waitFor({ timeout: 90_000 });
		await drill.waitFor({ state: 'detached', timeout: 30_000 });
		await wb.shot('drill-04-deleted');
	});
});
