// One protection group's whole DR loop in the real workbench, as an operator runs it: Failover (the
// modal, then the group's name typed), Enable Protection Again once the old production servers are
// stopped, a Planned Failover back to the original site (its modal naming the servers checked), and
// Disable Protection, whose question has Cancel selected (Enter sends nothing); the production site
// read from the group's tooltip at each step.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { answerInput, contextMenu, hoverUntil, notification, openSdrs, openWorkbench, treeItem, useWorkbench } from './workbench';

const NAME = 'dr-drill-ready';

describe('the DR loop in the workbench (Chromium + code-server)', () => {
	let sim: Simulator;
	const creds = {
		accessKey: `UITEST${randomBytes(7).toString('hex').toUpperCase()}`,
		secretKey: randomBytes(20).toString('base64url'),
		securityToken: `tok-${randomBytes(24).toString('hex')}`,
	};

	before(async () => {
		sim = await startSimulator({
			jobDurationMs: 3000,
			temporaryCredentials: { [creds.accessKey]: { secretKey: creds.secretKey, securityToken: creds.securityToken, expiresAt: Date.now() + 3_600_000 } },
		});
	});
	const wb = useWorkbench('loop', () => openWorkbench({ settings: { 'sdrs.endpoints': { iam: sim.url, sdrs: sim.url, ecs: sim.url } } }));
	after(async () => {
		await sim?.stop();
	});

	const stopServers = (az: string): void => {
		for (const s of sim.serversOf(sim.findGroup(NAME).id).filter((x) => x.az === az)) {
			sim.setServerStatus(s.id, 'SHUTOFF');
		}
	};
	const posts = (): number => sim.stats.actionPosts[sim.findGroup(NAME).id] ?? 0;

	it('Failover (typed name) → Enable Protection Again → Planned Failover back → Disable (Cancel selected), the production site shown at each step', async () => {
		const { page } = wb;
		await openSdrs(page);
		await page.getByRole('region', { name: 'Welcome' }).getByRole('button', { name: 'Add Credentials' }).click();
		await answerInput(page, creds.accessKey, /Access Key ID/);
		await answerInput(page, creds.secretKey, /Secret Access Key/);
		await answerInput(page, creds.securityToken, /Security Token/);
		await answerInput(page, '', /expiry/);
		await page.getByRole('dialog').getByRole('button', { name: 'Allow' }).click();
		await answerInput(page, 'dr-loop', /Name this profile/);
		await treeItem(page, /^la-south-2\b/)
			.first()
			.click();
		const item = treeItem(page, new RegExp(`group ${NAME},`));
		await item.waitFor();
		const production = async (az: string, station: string): Promise<void> => {
			// The tooltip's row reads “Current production site: la-south-2a (source)”.
			await hoverUntil(
				page,
				item,
				page
					.locator('.monaco-hover')
					.filter({ hasText: 'Current production site' })
					.filter({ hasText: `${az} (${station})` })
					.first(),
			);
			await page.mouse.move(0, 0);
		};
		await production('la-south-2a', 'source');
		const dialog = page.getByRole('dialog');

		// 1. Failover: the modal with the direction and the consequence, then the name typed.
		await contextMenu(page, item, 'Failover');
		await dialog.getByText(/Failover for protection group “dr-drill-ready” in account [0-9a-f]{32}\?/).waitFor();
		await dialog.getByText(/Production moves from la-south-2a to la-south-2b\./).waitFor();
		await wb.shot('loop-01-failover-confirm');
		await dialog.getByRole('button', { name: 'Continue…' }).click();
		const widget = page.locator('.quick-input-widget');
		await widget.locator('input.input').waitFor();
		await widget.locator('input.input').fill('dr-drill');
		await widget.getByText('Type the name exactly as shown.').waitFor();
		await wb.shot('loop-02-failover-typed-name');
		await answerInput(page, NAME);
		await notification(page, /Failover of “dr-drill-ready” done/).waitFor({ timeout: 60_000 });
		await page.getByRole('treeitem', { name: /group dr-drill-ready, status Failed over/ }).waitFor({ timeout: 20_000 });
		assert.equal(posts(), 1);
		await production('la-south-2b', 'target');
		await wb.shot('loop-03-failed-over');

		// 2. Enable Protection Again, once the old production servers (now the DR site) are stopped.
		stopServers('la-south-2a');
		await contextMenu(page, item, 'Enable Protection Again');
		await dialog.getByText(/Enable Protection Again for protection group “dr-drill-ready” in account [0-9a-f]{32}\?/).waitFor();
		await dialog.getByRole('button', { name: 'Enable Protection Again' }).click();
		await notification(page, /Protection enabled again for “dr-drill-ready”/).waitFor({ timeout: 60_000 });
		await page.getByRole('treeitem', { name: /group dr-drill-ready, status Protected/ }).waitFor({ timeout: 20_000 });
		assert.equal(posts(), 2);
		await production('la-south-2b', 'target');
		await wb.shot('loop-04-protected-at-target');

		// 3. Planned Failover back to the original site, once production (la-south-2b) is stopped.
		stopServers('la-south-2b');
		await contextMenu(page, item, 'Planned Failover (Switchover)');
		await dialog.getByText(/Planned Failover \(Switchover\) for protection group “dr-drill-ready” in account [0-9a-f]{32}\?/).waitFor();
		await dialog.getByText(/Production moves from la-south-2b to la-south-2a\./).waitFor();
		const checked = sim
			.serversOf(sim.findGroup(NAME).id)
			.filter((x) => x.az === 'la-south-2b')
			.map((x) => x.name);
		assert.ok(checked.length > 0);
		for (const name of checked) {
			await dialog.getByText(new RegExp(`Checked: the servers at la-south-2b are stopped: .*\\b${name}\\b`)).waitFor();
		}
		await dialog.getByText(/Afterwards, power on the servers at la-south-2a yourself/).waitFor();
		await wb.shot('loop-05-switchover-confirm');
		await dialog.getByRole('button', { name: 'Planned Failover (Switchover)' }).click();
		await notification(page, /Planned failover of “dr-drill-ready” done/).waitFor({ timeout: 60_000 });
		assert.equal(posts(), 3);
		await production('la-south-2a', 'source');
		await wb.shot('loop-06-back-at-source');
		const g = sim.group(sim.findGroup(NAME).id)!;
		assert.deepEqual([g.status, g.priority_station], ['protected', 'source']);

		// 4. Disable Protection: Cancel is the selected answer, so Enter sends nothing; then chosen.
		await contextMenu(page, item, 'Disable Protection');
		await widget.locator('.quick-input-title', { hasText: /Disable Protection for protection group “dr-drill-ready” in account [0-9a-f]{32}\?/ }).waitFor();
		await widget.locator('.monaco-list-row', { hasText: /Stops: replication from la-south-2a to la-south-2b/ }).waitFor();
		await widget.locator('.monaco-list-row.focused', { hasText: /^Cancel/ }).waitFor();
		await wb.shot('loop-07-disable-confirm');
		await page.keyboard.press('Enter');
		await widget.waitFor({ state: 'hidden' });
		await page.waitForTimeout(1000);
		assert.equal(posts(), 3, 'Enter sent nothing');
		await contextMenu(page, item, 'Disable Protection');
		await widget.locator('.monaco-list-row.focused', { hasText: /^Cancel/ }).waitFor();
		await widget.locator('.monaco-list-row', { hasText: /^Disable Protection/ }).click();
		await notification(page, /Protection disabled for “dr-drill-ready”/).waitFor({ timeout: 60_000 });
		await page.getByRole('treeitem', { name: /group dr-drill-ready, status Not protected/ }).waitFor({ timeout: 20_000 });
		assert.equal(posts(), 4);
	});
});
