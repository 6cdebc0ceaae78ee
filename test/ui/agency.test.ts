// Two accounts side by side in the real workbench: an access key of one's own account, then an
// agency profile on top of it (picked in the QuickPick, the agency typed into the input boxes),
// which lists the other account's protection groups. Neither the base keys nor the temporary keys
// the agency issued may show up anywhere the workbench wrote.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEMO_AGENCY, startSimulator, type Simulator } from '../../src/simulator/simulator';
import { answerInput, filesUnder, notification, notificationTexts, openSdrs, openWorkbench, runCommand, treeItem, useWorkbench, type Workbench } from './workbench';

describe('Agency profiles in the workbench (Chromium + code-server)', () => {
	let sim: Simulator;
	// Base keys made up for this run (temporary ones, so the simulator knows them): a leak if seen.
	const base = {
		accessKey: `UIBASE${randomBytes(7).toString('hex').toUpperCase()}`,
		secretKey: randomBytes(20).toString('base64url'),
		securityToken: `tok-${randomBytes(24).toString('hex')}`,
	};
	const seen: string[] = [];

	before(async () => {
		sim = await startSimulator({ temporaryCredentials: { [base.accessKey]: { secretKey: base.secretKey, securityToken: base.securityToken, expiresAt: Date.now() + 3_600_000 } } });
	});
	const wb = useWorkbench('agency', () => openWorkbench({ settings: { 'sdrs.endpoints': { iam: sim.url, sdrs: sim.url, ecs: sim.url } } }));
	after(async () => {
		await sim?.stop();
	});
	afterEach(async () => {
		// Every notification shown along the way, for the secret scan at the end.
		seen.push(
			...(await wb.page
				.locator('.notifications-toasts .notification-toast')
				.allInnerTexts()
				.catch(() => [])),
		);
	});

	async function allowHost(page: Workbench['page']): Promise<void> {
		const ask = page.getByRole('dialog');
		await ask.getByText(/Send the keys of “the new profile” to 127\.0\.0\.1:\d+\?/).waitFor();
		await ask.getByRole('button', { name: 'Allow' }).click();
	}

	it('adds an agency profile through the input boxes and sees the other account’s groups beside its own', async () => {
		const { page } = wb;
		await openSdrs(page);
		// The base: an access key of one's own account.
		await runCommand(page, 'SDRS: Add Credentials');
		await answerInput(page, base.accessKey, /Access Key ID/);
		await answerInput(page, base.secretKey, /Secret Access Key/);
		await answerInput(page, base.securityToken, /Security Token/);
		await answerInput(page, '', /expiry/);
		await allowHost(page);
		await answerInput(page, 'ui-base', /Name this profile/);
		await notification(page, /Profile “ui-base” added/).waitFor();

		// The agency on top of it.
		await runCommand(page, 'SDRS: Add Agency Profile…');
		const widget = page.locator('.quick-input-widget');
		await widget.locator('.quick-input-title', { hasText: /whose keys assume the agency/ }).waitFor();
		await wb.shot('agency-01-base-pick');
		await widget.locator('.monaco-list-row', { hasText: 'ui-base' }).click();
		await answerInput(page, DEMO_AGENCY.domainName, /delegating account/);
		await answerInput(page, DEMO_AGENCY.agencyName, /agency name/);
		const duration = widget.locator('input.input');
		await widget.locator('.quick-input-title', { hasText: /duration/ }).waitFor();
		assert.equal(await duration.inputValue(), '3600', 'an hour unless changed');
		await answerInput(page, '3600', /duration/);
		await allowHost(page);
		await widget.locator('.quick-input-title', { hasText: /Name this profile/ }).waitFor();
		assert.match(await widget.innerText(), /through the agency, the keys can see 2 project\(s\) of account dr-partner/);
		await answerInput(page, 'partner-ui', /Name this profile/);
		await notification(page, /Profile “partner-ui” added/).waitFor();

		// Both accounts side by side, each profile labelled with its account.
		const partner = treeItem(page, /partner-ui, account dr-partner · via agency sdrs-dr-operator from ui-base/);
		await partner.waitFor({ timeout: 30_000 });
		await treeItem(page, /ui-base, account [0-9a-f]{32}/).waitFor();
		await wb.shot('agency-02-two-accounts');
		await treeItem(page, /^ui-base/)
			.first()
			.click(); // collapse the own account: only the partner's projects stay in view
		await treeItem(page, /^cn-north-4\b/)
			.first()
			.click();
		await treeItem(page, /partner-erp/).waitFor({ timeout: 30_000 });
		await treeItem(page, /partner-web/).waitFor();
		assert.equal(await treeItem(page, /crm-web/).count(), 0, 'none of the own account’s groups under the partner');
		await wb.shot('agency-03-partner-groups');
		assert.ok((sim.stats.byRoute['POST /v3.0/OS-CREDENTIAL/securitytokens'] ?? 0) >= 2, 'the IAM check and the tree each assumed the agency');
	});

	it('never shows or stores the base keys or the temporary keys: logs, settings, state databases, notifications', async () => {
		const issued = [...sim.iam.issued].flatMap(([ak, k]) => [ak, k.secretKey, k.securityToken]);
		assert.ok(issued.length >= 3, 'temporary keys were issued');
		const secrets = [base.accessKey, base.secretKey, base.securityToken, ...issued];
		seen.push(...(await notificationTexts(wb.page)));
		assert.ok(seen.length >= 2, `notifications were collected (${seen.length})`);
		const hits: string[] = [];
		for (const text of seen) {
			for (const s of secrets) {
				if (text.includes(s)) {
					hits.push(`notification: ${text.slice(0, 80)}`);
				}
			}
		}
		const files = filesUnder(wb.runDir);
		assert.ok(
			files.some((f) => /SDRS\.log$/.test(f) && readFileSync(f, 'utf8').includes('securitytokens')),
			'the log records the assume calls',
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
