// The workbench in Simplified Chinese (--locale zh-cn): the extension's contributions, tree,
// menus and tooltips read in Chinese. VS Code's own chrome stays English here because no
// language pack can be installed offline; the extension's strings do not depend on one.
import * as assert from 'node:assert/strict';
import { contextMenu, hoverUntil, notification, openSdrs, openWorkbench, treeItem, useWorkbench } from './workbench';

describe('SDRS Explorer in Simplified Chinese', () => {
	const wb = useWorkbench('zh', () => openWorkbench({ locale: 'zh-cn' }));

	it('shows the welcome view, the demo, the tree and a pre-flight refusal in Chinese', async () => {
		const { page } = wb;
		await openSdrs(page);
		await page.getByRole('button', { name: '添加凭证' }).last().waitFor();
		await page
			.getByRole('button', { name: /试用演示/ })
			.last()
			.click();
		await notification(page, /演示模式连接的是本机上的模拟 SDRS/).waitFor({ timeout: 30_000 });
		await treeItem(page, /^cn-north-4/)
			.first()
			.click();
		const item = treeItem(page, /保护组 erp-prod，状态 保护中/);
		await item.waitFor();
		assert.ok(await treeItem(page, /保护组 crm-web，状态 未开启保护/).isVisible());
		await hoverUntil(page, item, page.locator('.monaco-hover').getByText('当前生产站点').first());
		await wb.shot('zh-cn-tree');
		// A group without replication pairs offers no action (the picker's rule), and its tooltip says why.
		const noPairs = treeItem(page, /保护组 hr-portal，/);
		await hoverUntil(page, noPairs, page.locator('.monaco-hover').getByText('无可用操作：保护组没有复制对。请先添加保护实例。'));
		await noPairs.click({ button: 'right' });
		await page.getByRole('menuitem', { name: '复制 ID' }).waitFor();
		assert.equal(await page.getByRole('menuitem', { name: '开启保护', exact: true }).count(), 0, 'no Enable Protection on a group without replication pairs');
		await page.keyboard.press('Escape');
		// A DR-site server still running: the pre-flight check refuses Enable Protection Again, in Chinese.
		await contextMenu(page, treeItem(page, /保护组 inventory-api，/), '重保护');
		const dialog = page.getByRole('dialog');
		await dialog.getByText(/✗ 当前容灾端的服务器均已关机 — 在 cn-north-4a 中运行：inventory-api-vm1 \(ACTIVE\)/).waitFor();
		await wb.shot('zh-cn-preflight');
		await page.keyboard.press('Escape');
	});
});
