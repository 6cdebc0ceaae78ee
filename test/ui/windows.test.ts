// Two real windows on the same user data (two pages of one browser on one code-server): a job
// started in one is followed by exactly one of them (the simulator counts the GETs), survives
// closing that window (the other takes it over), and its outcome is reported once.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { answerInput, contextMenu, notification, openSdrs, openWorkbench, treeItem, useWorkbench } from './workbench';

describe('two workbench windows on the same user data', () => {
	let sim: Simulator;
	let second: Page;
	const creds = { accessKey: `WINTEST${randomBytes(6).toString('hex').toUpperCase()}`, secretKey: randomBytes(20).toString('base64url'), securityToken: `tok-${randomBytes(16).toString('hex')}` };
	const jobGets = (): number => sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0;

	before(async () => {
		sim = await startSimulator({
			jobDurationMs: 40_000,
			temporaryCredentials: { [creds.accessKey]: { secretKey: creds.secretKey, securityToken: creds.securityToken, expiresAt: Date.now() + 3_600_000 } },
		});
	});
	const wb = useWorkbench(
		'windows',
		// A closed window's extension host ends 5 s after its page goes (code-server keeps it for reconnection by default).
		() => openWorkbench({ settings: { 'sdrs.endpoints': { iam: sim.url, sdrs: sim.url, ecs: sim.url } }, extraArgs: ['--reconnection-grace-time', '5'] }),
		(opened) => second?.screenshot({ path: opened.runDir + '/second.png' }).catch(() => undefined) ?? Promise.resolve(),
	);
	after(async () => {
		await sim?.stop();
	});

	it('one window follows the job; when it closes the other takes over and reports the outcome once', async () => {
		const { page } = wb;
		await openSdrs(page);
		await page.getByRole('region', { name: 'Welcome' }).getByRole('button', { name: 'Add Credentials' }).click();
		await answerInput(page, creds.accessKey, /Access Key ID/);
		await answerInput(page, creds.secretKey, /Secret Access Key/);
		await answerInput(page, creds.securityToken, /Security Token/);
		await answerInput(page, '', /expiry/);
		await page.getByRole('dialog').getByRole('button', { name: 'Allow' }).click();
		await answerInput(page, 'two-windows', /Name this profile/);
		await treeItem(page, /^cn-north-4\b/)
			.first()
			.click();
		await contextMenu(page, treeItem(page, /crm-web/), 'Enable Protection');
		await page.getByRole('dialog').getByRole('button', { name: 'Enable Protection' }).click();
		await notification(page, /Enable Protection: “crm-web”/).waitFor();

		second = await wb.openWindow();
		await openSdrs(second);
		// Both windows are open for 8 s: the job is polled on one cadence only (about one GET a second).
		const before = jobGets();
		await page.waitForTimeout(8000);
		const polled = jobGets() - before;
		assert.ok(polled >= 3 && polled <= 10, `${polled} GETs in 8 s: one window polls`);
		assert.equal(await notification(second, /Enable Protection: “crm-web”/).count(), 0, 'the second window does not follow it');

		await page.close(); // the first window goes away mid-job
		await notification(second, /Enable Protection: “crm-web”/).waitFor({ timeout: 45_000 });
		await notification(second, /Protection enabled for “crm-web”/).waitFor({ timeout: 60_000 });
		await second.waitForTimeout(6000); // a second report would come within a heartbeat
		assert.equal(await notification(second, /Protection enabled for “crm-web”/).count(), 1, 'reported once');
		assert.equal(sim.stats.actionPosts[sim.findGroup('crm-web').id], 1);
	});
});
