// A person's path through the real workbench: add a profile through the input boxes, expand a
// project, right-click Enable Protection, confirm, watch the job, see the status change; then the
// same for Enable Protection Again once the DR-site servers are stopped.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { readFileSync } from 'node:fs';
import { answerInput, contextMenu, runCommand, filesUnder, notification, notificationTexts, openSdrs, openWorkbench, previewText, treeItem, useWorkbench, type Workbench } from './workbench';

/** Collapses every expanded project, so the next one's groups are in view. */
async function collapseProjects(page: Workbench['page']): Promise<void> {
	const expanded = page.locator('[role="treeitem"][aria-level="1"][aria-expanded="true"]', { hasText: /^(cn|ap|la)-/ });
	for (let i = 0; i < 10 && (await expanded.count()) > 0; i++) {
		await expanded.first().click();
	}
}

describe('SDRS Explorer in the workbench (Chromium + code-server)', () => {
	let sim: Simulator;

	// Temporary credentials made up for this run: if they show up anywhere, it is a leak.
	const creds = {
		accessKey: `UITEST${randomBytes(7).toString('hex').toUpperCase()}`,
		secretKey: randomBytes(20).toString('base64url'),
		securityToken: `tok-${randomBytes(24).toString('hex')}`,
	};

	before(async () => {
		sim = await startSimulator({
			jobDurationMs: 5000,
			temporaryCredentials: { [creds.accessKey]: { secretKey: creds.secretKey, securityToken: creds.securityToken, expiresAt: Date.now() + 3_600_000 } },
		});
	});
	const wb = useWorkbench('explorer', () => openWorkbench({ settings: { 'sdrs.endpoints': { iam: sim.url, sdrs: sim.url, ecs: sim.url } } }));
	after(async () => {
		await sim?.stop();
	});

	const seen: string[] = [];
	afterEach(async () => {
		// Every notification shown along the way, for the secret scan at the end.
		seen.push(
			...(await wb.page
				.locator('.notifications-toasts .notification-toast')
				.allInnerTexts()
				.catch(() => [])),
		);
	});

	it('shows the welcome view, then adds a profile through the input boxes (checked with IAM)', async () => {
		const { page } = wb;
		await openSdrs(page);
		const welcome = page.getByRole('region', { name: 'Welcome' });
		const add = welcome.getByRole('button', { name: 'Add Credentials' });
		await add.waitFor();
		await welcome.getByRole('button', { name: /Try the Demo/ }).waitFor();
		await wb.shot('01-welcome');
		await add.click();
		await answerInput(page, creds.accessKey, /Access Key ID/);
		await answerInput(page, creds.secretKey, /Secret Access Key/);
		assert.equal(await page.locator('.quick-input-widget input.input').getAttribute('type'), 'password');
		await answerInput(page, creds.securityToken, /Security Token/);
		await answerInput(page, '', /expiry/);
		// The simulator is not a Huawei Cloud public endpoint: the keys go there only once allowed.
		const ask = page.getByRole('dialog');
		await ask.getByText(/Send the keys of “the new profile” to 127\.0\.0\.1:\d+\?/).waitFor();
		await wb.shot('01b-allow-host');
		await ask.getByRole('button', { name: 'Allow' }).click();
		await answerInput(page, 'ui-test', /Name this profile/);
		await notification(page, /Profile “ui-test” added/).waitFor();
		await treeItem(page, /cn-north-4/)
			.first()
			.waitFor();
		assert.ok(sim.stats.byRoute['GET /v3/auth/projects'] >= 1);
	});

	it('expands a project, right-clicks Enable Protection, confirms, follows the job to success', async () => {
		const { page } = wb;
		await treeItem(page, /^cn-north-4\b/)
			.first()
			.click();
		const crm = treeItem(page, /crm-web/);
		await crm.waitFor();
		await wb.shot('02-tree');
		await crm.click({ button: 'right' });
		const menu = page.getByRole('menuitem', { name: 'Enable Protection', exact: true });
		await menu.waitFor();
		assert.equal(await page.getByRole('menuitem', { name: 'Enable Protection Again' }).count(), 0);
		await wb.shot('03-context-menu');
		await menu.click();
		const dialog = page.getByRole('dialog');
		await dialog.getByText(/Enable Protection for protection group “crm-web” in account [0-9a-f]{32}\?/).waitFor();
		await wb.shot('04-confirm');
		await dialog.getByRole('button', { name: 'Enable Protection' }).click();
		await notification(page, /Enable Protection: “crm-web”/).waitFor();
		await wb.shot('05-progress');
		await notification(page, /Protection enabled for “crm-web”/).waitFor({ timeout: 60_000 });
		await page.getByRole('treeitem', { name: /crm-web.*Protected/ }).waitFor({ timeout: 20_000 });
		await wb.shot('06-success');
		assert.equal(sim.group(sim.findGroup('crm-web').id)?.status, 'protected');
		assert.equal(
			Object.values(sim.stats.actionPosts).reduce((a, b) => a + b, 0),
			1,
		);
	});

	it('expands a failed-over group and sees its running DR-site server named under it', async () => {
		const { page } = wb;
		await treeItem(page, /inventory-api/)
			.first()
			.click(); // expands the group into its sections
		const instancesSection = page.getByRole('treeitem', { name: /^Protected instances/ });
		await instancesSection.first().waitFor();
		await instancesSection.first().click();
		const instance = treeItem(page, /Protected instance inventory-api-vm1, status Failed over, DR-site server running/);
		await instance.waitFor();
		assert.match(await instance.innerText(), /DR-site server inventory-api-vm1 is running/);
		await wb.shot('06b-group-inside');
		await treeItem(page, /inventory-api/)
			.first()
			.click(); // collapse again for the next step
	});

	it('refuses Enable Protection Again while a DR-site server runs, naming it; succeeds once stopped', async () => {
		const { page } = wb;
		const item = treeItem(page, /inventory-api/);
		await contextMenu(page, item, 'Enable Protection Again');
		const dialog = page.getByRole('dialog');
		await dialog
			.getByText(/inventory-api-vm1 \(ACTIVE\)/)
			.first()
			.waitFor();
		await wb.shot('07-preflight-failed');
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		assert.equal(sim.stats.actionPosts[sim.findGroup('inventory-api').id] ?? 0, 0);

		sim.stopDrServers(sim.findGroup('inventory-api').id);
		await contextMenu(page, item, 'Enable Protection Again');
		await dialog.getByText(/DR site must stay stopped/).waitFor();
		await dialog.getByRole('button', { name: 'Enable Protection Again' }).click();
		await notification(page, /Protection enabled again for “inventory-api”/).waitFor({ timeout: 60_000 });
		await page.getByRole('treeitem', { name: /inventory-api.*Protected/ }).waitFor({ timeout: 20_000 });
		await wb.shot('08-enable-again-success');
		assert.equal(sim.stats.actionPosts[sim.findGroup('inventory-api').id], 1);
	});

	it('follows a job across a window reload and reports its outcome afterwards', async () => {
		const { page } = wb;
		sim.configure({ jobDurationMs: 8000 });
		await treeItem(page, /^cn-east-3/)
			.first()
			.click();
		const chat = treeItem(page, /group chat,/);
		await chat.waitFor();
		await contextMenu(page, chat, 'Enable Protection');
		await page.getByRole('dialog').getByRole('button', { name: 'Enable Protection' }).click();
		await notification(page, /Enable Protection: “chat”/).waitFor();
		seen.push(...(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()));
		// The workbench's own reload: the extension host shuts down and comes back, as after
		// "Developer: Reload Window" (a raw page reload can drop the browser's last storage writes).
		await runCommand(page, 'Developer: Reload Window');
		await page.waitForEvent('load', { timeout: 60_000 });
		await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
		await notification(page, /Protection enabled for “chat”/).waitFor({ timeout: 90_000 });
		await wb.shot('09-after-reload');
		assert.equal(sim.group(sim.findGroup('chat').id)?.status, 'protected');
		assert.equal(sim.stats.actionPosts[sim.findGroup('chat').id], 1);
	});

	it('ctrl-clicks three failed-over groups, runs Enable Protection Again once: the plan, the typed count, one batch progress, the report', async () => {
		const { page } = wb;
		await collapseProjects(page);
		await treeItem(page, /^cn-south-1\b/)
			.first()
			.click();
		const [first, second, third] = ['gz-web-01', 'gz-api-02', 'gz-db-03'].map((n) => treeItem(page, new RegExp(`group ${n},`)));
		await first.waitFor();
		await first.click();
		await second.click({ modifiers: ['Control'] });
		await third.click({ modifiers: ['Control'] });
		assert.equal(await page.locator('.monaco-list-row.selected[role="treeitem"]').count(), 3, 'three groups selected');
		await contextMenu(page, third, 'Enable Protection Again');
		// The plan: a multi-select QuickPick with every group ticked and its checks in words.
		const widget = page.locator('.quick-input-widget');
		await widget.locator('.quick-input-title', { hasText: /Enable Protection Again: 3 of 3 protection groups eligible/ }).waitFor({ timeout: 30_000 });
		for (const n of ['gz-web-01', 'gz-api-02', 'gz-db-03']) {
			await widget.locator('.monaco-list-row', { hasText: n }).waitFor();
		}
		assert.match(await widget.locator('.monaco-list-row', { hasText: 'gz-web-01' }).innerText(), /2 replication pairs/);
		await wb.shot('10a-batch-plan');
		await page.keyboard.press('Enter');
		// The typed count: a wrong number is not accepted.
		await widget.locator('.quick-input-title', { hasText: /Enable Protection Again for 3 protection groups/ }).waitFor();
		await widget.locator('input.input').fill('2');
		await widget.getByText('Type 3, the number of groups, to confirm.').waitFor();
		await wb.shot('10b-batch-typed-count');
		await answerInput(page, '3');
		const progress = notification(page, /Enable Protection Again for 3 protection groups/);
		await progress
			.filter({ hasText: /of 3 done/ })
			.first()
			.waitFor({ timeout: 30_000 });
		await wb.shot('10c-batch-progress');
		const report = notification(page, /Enable Protection Again for 3 protection groups ended: 3 succeeded\./);
		await report.waitFor({ timeout: 60_000 });
		await wb.shot('10d-batch-ended');
		seen.push(...(await page.locator('.notifications-toasts .notification-toast').allInnerTexts()));
		await report.getByRole('button', { name: 'Show Report' }).click();
		// The report opens rendered in an editor tab (the Markdown preview), not a modal: a row per group.
		const shown = await previewText(page, /^3 succeeded$/m);
		for (const n of ['gz-web-01', 'gz-api-02', 'gz-db-03']) {
			assert.match(shown, new RegExp(`^[^\\n]*\\t${n} \\([^)]+\\)\\tEnable Protection Again\\t[^\\n]*\\tsucceeded$`, 'm'), shown);
		}
		assert.equal(await page.getByRole('dialog').count(), 0, 'no modal');
		await wb.shot('10e-batch-report');
		for (const n of ['gz-web-01', 'gz-api-02', 'gz-db-03']) {
			assert.equal(sim.stats.actionPosts[sim.findGroup(n).id], 1, n);
			assert.equal(sim.group(sim.findGroup(n).id)?.status, 'protected', n);
		}
		await collapseProjects(page);
	});

	it('plans a whole project from its context menu, and Cancel on the batch progress stops what has not been sent', async () => {
		const { page } = wb;
		const posts = (): number => Object.values(sim.stats.actionPosts).reduce((a, b) => a + b, 0);
		const before = posts();
		await collapseProjects(page);
		await contextMenu(page, treeItem(page, /^cn-south-1\b/).first(), 'Enable Protection Again for Failed-over Groups…');
		const widget = page.locator('.quick-input-widget');
		// 41 failed-over groups are left (three were re-protected above); 34 of them are eligible.
		await widget.locator('.quick-input-title', { hasText: /Enable Protection Again: 34 of 41 protection groups eligible · cn-south-1/ }).waitFor({ timeout: 60_000 });
		await page.keyboard.press('Enter');
		await widget.locator('.quick-input-title', { hasText: /for 34 protection groups/ }).waitFor();
		sim.configure({ latencyMs: 2000 }); // each POST takes 2 s: time to press Cancel while most wait
		await answerInput(page, '34');
		const progress = notification(page, /Enable Protection Again for 34 protection groups/)
			.filter({ hasText: /to send/ })
			.first();
		await progress.waitFor({ timeout: 30_000 });
		// Each group is read again right before its POST (2 s), then POSTed (2 s): Cancel once the
		// first POSTs are on the wire, while most groups still wait.
		for (let i = 0; i < 300 && posts() === before; i++) {
			await page.waitForTimeout(50);
		}
		await progress.hover();
		await progress.getByRole('button', { name: 'Cancel' }).click();
		const report = notification(page, /Enable Protection Again for 34 protection groups ended: .*\d+ not sent\./);
		await report.waitFor({ timeout: 90_000 });
		await wb.shot('10f-batch-stopped');
		sim.configure({ latencyMs: 0 });
		const sent = posts() - before;
		assert.ok(sent >= 1 && sent <= 12, `sent ${sent} of 34 before Cancel took effect`);
		assert.match(await report.innerText(), new RegExp(`${34 - sent} not sent`));
		await collapseProjects(page);
	});

	it('shows server text as text in a notification: a name with a command: link, a URL and an icon stays words', async () => {
		const { page } = wb;
		const g = sim.findGroup('billing-db'); // its job fails: the failure notification names the group
		sim.patchGroup(g.id, { name: '[run](command:sdrs.removeProfile) $(zap) see https://evil.example/x' });
		await runCommand(page, 'SDRS: Refresh');
		const cn = treeItem(page, /^cn-north-4\b/).first();
		if ((await cn.getAttribute('aria-expanded')) !== 'true') {
			await cn.click();
		}
		await contextMenu(page, treeItem(page, /evil\.example/), 'Enable Protection');
		const dialog = page.getByRole('dialog');
		await dialog.getByRole('button', { name: 'Enable Protection' }).click();
		const failed = notification(page, /Enable Protection failed for/);
		await failed.waitFor({ timeout: 60_000 });
		await wb.shot('10-server-text-in-notification');
		const text = await failed.innerText();
		assert.match(text.replace(/\u200b/g, ''), /\[run\]\(command:sdrs\.removeProfile\) \$\(zap\) see https:\/\/evil\.example\/x/, 'the name is shown as typed');
		const targets = await failed.locator('a, [href], [data-href]').evaluateAll((els) => els.map((e) => `${e.getAttribute('href') ?? ''} ${e.getAttribute('data-href') ?? ''}`));
		assert.deepEqual(
			targets.filter((t) => /command:|evil\.example/.test(t)),
			[],
			'no link to a command or the URL',
		);
		assert.equal(await failed.locator('.codicon-zap').count(), 0, 'no icon from the name');
	});

	it('never shows or stores the keys: logs, settings, state databases, notifications', async () => {
		const secrets = [creds.accessKey, creds.secretKey, creds.securityToken];
		seen.push(...(await notificationTexts(wb.page)));
		assert.ok(seen.length >= 5, `notifications were collected (${seen.length})`);
		const hits: string[] = [];
		for (const text of seen) {
			for (const s of secrets) {
				if (text.includes(s)) {
					hits.push(`notification: ${text.slice(0, 80)}`);
				}
			}
		}
		const files = filesUnder(wb.runDir);
		const logs = files.filter((f) => /SDRS\.log$|exthost.*\.log$/.test(f));
		assert.ok(
			logs.some((f) => /SDRS\.log$/.test(f)),
			`the SDRS log channel was written (${logs.length} logs)`,
		);
		assert.ok(
			logs.some((f) => readFileSync(f, 'utf8').includes('/server-groups')),
			'the log records requests',
		);
		for (const f of files) {
			const bytes = readFileSync(f);
			for (const s of secrets) {
				if (bytes.includes(s)) {
					hits.push(f.slice(wb.runDir.length));
				}
			}
		}
		assert.deepEqual(hits, []);
	});
});
