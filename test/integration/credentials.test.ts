// Credentials the way DR teams hold them, in a real VS Code: an agency profile added through the
// input boxes (answered through the prompts seam), the other account's groups listed through it,
// a job followed across renewals of the temporary keys, a renewal failure said once and
// explained, and KooCLI profiles imported from a file.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SdrsApi } from '../../src/extension';
import type { Profile } from '../../src/ui/services/profiles';
import type { GroupNode, MessageNode, Node, ProfileNode, ProjectNode } from '../../src/ui/views/groupsTree';
import { JobsProvider } from '../../src/ui/views/jobsView';
import { DEMO_AGENCY, DEMO_CREDENTIALS, PARTNER_ACCOUNT, startSimulator, type Simulator } from '../../src/simulator/simulator';
import { api, noQuestions, reset, waitFor } from './support';

const ASSUME = 'POST /v3.0/OS-CREDENTIAL/securitytokens';
const FIXTURE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'koocli', 'config.json');

type Answers = [RegExp, string][];

describe('credentials: agencies and KooCLI profiles', () => {
	let a: SdrsApi;
	before(async () => {
		a = await api();
	});
	beforeEach(async () => {
		await reset(a);
	});

	/** Answers input boxes by their title, in any order; records every box asked. */
	function answer(inputs: Answers, opts: { pick?: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined; confirm?: string[] } = {}): vscode.InputBoxOptions[] {
		const asked: vscode.InputBoxOptions[] = [];
		a.ports.prompts = {
			...noQuestions,
			confirm: (m) => (opts.confirm?.push(m), Promise.resolve(true)),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
			input: (o) => {
				asked.push(o);
				const hit = inputs.find(([title]) => title.test(o.title ?? ''));
				return hit ? Promise.resolve(hit[1]) : Promise.reject(new Error(`unexpected input box: ${o.title}`));
			},
			pick: <T extends vscode.QuickPickItem>(items: readonly T[]) => Promise.resolve(opts.pick?.(items) as T | undefined),
		};
		return asked;
	}

	const profileNamed = (name: string): Profile => {
		const p = a.profiles.list().find((x) => x.name === name);
		assert.ok(p, `profile ${name}`);
		return p;
	};

	async function partnerGroups(profile: Profile, region = 'cn-north-4'): Promise<GroupNode[]> {
		const projects = (await a.tree.getChildren({ type: 'profile', profile })).filter((n): n is ProjectNode => n.type === 'project');
		const project = projects.find((p) => p.project.name === region);
		assert.ok(project, `project ${region} of ${profile.name}: ${JSON.stringify(projects.map((p) => p.project.name))}`);
		return (await a.tree.getChildren(project)).filter((n): n is GroupNode => n.type === 'group');
	}

	/** The demo, then its partner account through the agency, added as a person would. */
	async function addDemoPartner(): Promise<Profile> {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const asked = answer(
			[
				[/delegating account/, DEMO_AGENCY.domainName],
				[/agency name/, DEMO_AGENCY.agencyName],
				[/duration/, '3600'],
				[/Name this profile/, 'partner-ops'],
			],
			{ pick: (items) => items.find((i) => (i as { profile?: Profile }).profile?.kind === 'demo') },
		);
		const added = await vscode.commands.executeCommand<Profile | undefined>('sdrs.addAgencyProfile');
		assert.equal(added?.name, 'partner-ops');
		// The demo's agency is offered as the default.
		assert.equal(asked.find((o) => /delegating account/.test(o.title ?? ''))?.value, DEMO_AGENCY.domainName);
		assert.equal(asked.find((o) => /duration/.test(o.title ?? ''))?.validateInput?.('899'), 'A whole number of seconds from 900 to 86400.');
		return profileNamed('partner-ops');
	}

	it('an agency profile added through the input boxes lists the other account’s groups; its temporary keys are stored nowhere', async () => {
		const partner = await addDemoPartner();
		const sim = a.demo.running!;
		assert.equal(partner.kind, 'agency');
		assert.deepEqual(partner.account, { id: PARTNER_ACCOUNT.id, name: PARTNER_ACCOUNT.name });
		assert.ok((sim.stats.byRoute[ASSUME] ?? 0) >= 1, 'the IAM check assumed the agency');
		// Two accounts side by side, each profile node labelled with its account.
		const roots = (await a.tree.getChildren()).filter((n): n is ProfileNode => n.type === 'profile');
		assert.deepEqual(roots.map((n) => n.profile.name).sort(), ['Demo (simulated)', 'partner-ops']);
		const demoItem = a.tree.getTreeItem(roots.find((n) => n.profile.kind === 'demo')!);
		const partnerItem = a.tree.getTreeItem(roots.find((n) => n.profile.kind === 'agency')!);
		assert.match(String(demoItem.description), /account sdrs-demo/);
		assert.match(String(partnerItem.description), /account dr-partner · via agency sdrs-dr-operator from Demo \(simulated\)/);
		assert.match((partnerItem.tooltip as vscode.MarkdownString).value, /dr-partner/);
		// The partner's groups, none of the demo account's.
		const groups = (await partnerGroups(partner)).map((g) => g.group.name);
		assert.ok(groups.includes('partner-erp') && groups.includes('partner-web'), JSON.stringify(groups));
		assert.ok(!groups.includes('crm-web'));
		// Nothing of the agency's keys in SecretStorage or globalState; the base keys stay the demo's.
		assert.equal(await a.profiles.credentials(partner.id), undefined);
		const meta = JSON.stringify(a.profiles.list());
		for (const [ak, k] of sim.iam.issued) {
			assert.ok(!meta.includes(ak) && !meta.includes(k.secretKey) && !meta.includes(k.securityToken));
		}
		assert.ok(!meta.includes(DEMO_CREDENTIALS.secretKey));
	});

	it('follows a job in the other account across renewals of the temporary keys (before they run out, and after a 401 that says they did)', async () => {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const sim = a.demo.running!;
		const partner = await addDemoPartner();
		const web = (await partnerGroups(partner)).find((g) => g.group.name === 'partner-web')!;
		sim.iam.lifetimeMs = 4000; // every set of keys lives 4 s: renewed at half their life
		sim.configure({ jobDurationMs: 14_000 });
		a.clients.reset(); // keys obtained from now on live 4 s
		const asked: string[] = [];
		a.ports.prompts = { ...noQuestions, confirm: (m) => (asked.push(m), Promise.resolve(true)), alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)) };
		const assumed = (): number => sim.stats.byRoute[ASSUME] ?? 0;
		const assumedBefore = assumed();
		const saidBefore = a.clients.agencyFailuresSaid;
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', web), 'started');
		assert.match(asked[0], new RegExp(`Enable Protection for protection group “partner-web” in account dr-partner \\(${PARTNER_ACCOUNT.id}\\)\\?`));
		const job = a.store.all().find((j) => j.groupId === web.group.id)!;
		assert.equal(job.account, PARTNER_ACCOUNT.id);
		// Renewed before they run out, while the job is followed.
		await waitFor('a renewal before expiry', () => assumed() >= assumedBefore + 2 || undefined, 15_000);
		// Then keys that live an hour: nothing renews them early any more…
		sim.iam.lifetimeMs = undefined;
		const beforeLong = assumed();
		await waitFor('long-lived keys', () => assumed() > beforeLong || undefined, 15_000);
		await new Promise((r) => setTimeout(r, 500));
		// …so when the gateway says they expired, only the renewal after that 401 can go on.
		const beforeExpiry = assumed();
		const refusedBefore = sim.stats.authFailures;
		sim.iam.expireIssued(sim.now());
		await waitFor('the job to end', () => a.store.get(job.jobId)?.outcome, 40_000);
		assert.equal(a.store.get(job.jobId)?.outcome, 'SUCCESS');
		assert.equal(sim.group(web.group.id)?.status, 'protected');
		assert.ok(sim.stats.authFailures > refusedBefore, 'a poll was refused as expired');
		assert.ok(assumed() > beforeExpiry, 'and the keys were renewed after it');
		assert.equal(sim.stats.actionPosts[web.group.id], 1, 'the action was sent once');
		assert.equal(a.clients.agencyFailuresSaid, saidBefore, 'no failure to say');
		// The Jobs view names the account.
		const jobs = new JobsProvider(a.store, a.profiles);
		try {
			assert.match(String(jobs.getTreeItem(a.store.get(job.jobId)!).description), /dr-partner/);
		} finally {
			jobs.dispose();
		}
	});

	it('says once, explained, when the agency can no longer be assumed; the tree names the IAM refusal', async () => {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const sim = a.demo.running!;
		const partner = await addDemoPartner();
		assert.ok((await partnerGroups(partner)).length > 0);
		const saidBefore = a.clients.agencyFailuresSaid;
		sim.iam.denyAssume.add(DEMO_CREDENTIALS.accessKey); // the user lost iam:tokens:assume
		sim.iam.expireIssued(sim.now());
		for (let i = 0; i < 2; i++) {
			a.tree.refresh({ type: 'profile', profile: partner });
			const children: Node[] = await a.tree.getChildren({ type: 'profile', profile: partner });
			assert.equal(children.length, 1);
			assert.match((children[0] as MessageNode).label, /No temporary keys from the agency \(403 AGENCY\.FORBIDDEN\): The base keys may not assume this agency/);
		}
		assert.equal(a.clients.agencyFailuresSaid - saidBefore, 1, 'said once, not per request');
	});

	it('a request waiting for the agency’s keys survives a profile change meanwhile: the keys are obtained again, no error', async () => {
		const partner = await addDemoPartner();
		const sim = a.demo.running!;
		a.clients.reset();
		sim.configure({ latencyMs: 400 });
		try {
			const pending = a.clients.client(partner).listProjects();
			await new Promise((r) => setTimeout(r, 150)); // the assume call is on its way
			a.clients.reset(); // as when any profile is saved, here or in another window
			assert.deepEqual(
				(await pending).map((p) => p.domainId),
				[PARTNER_ACCOUNT.id, PARTNER_ACCOUNT.id],
			);
		} finally {
			sim.configure({ latencyMs: 0 });
		}
	});

	it('removing the profile an agency profile is based on names the agency profile first', async () => {
		await addDemoPartner();
		const asked: string[] = [];
		a.ports.prompts = { ...noQuestions, confirm: (m, d) => (asked.push(`${m}\n${d}`), Promise.resolve(false)), alert: () => Promise.resolve() };
		const demo = a.profiles.list().find((p) => p.kind === 'demo')!;
		await vscode.commands.executeCommand('sdrs.removeProfile', { type: 'profile', profile: demo });
		assert.match(asked[0], /Remove profile “Demo \(simulated\)”[^\n]*\nThese agency profiles use its keys and stop working: partner-ops/);
		assert.equal(a.profiles.list().length, 2, 'not removed when not confirmed');
	});

	it('the demo’s second account: “Demo partner (via agency)” reaches the partner through the demo’s agency, also when the simulator has to start first', async () => {
		const partner = await a.demo.ensurePartner();
		assert.equal(partner.name, 'Demo partner (via agency)');
		assert.equal(await a.profiles.credentials(partner.id), undefined, 'no keys of its own');
		assert.ok((await partnerGroups(partner)).some((g) => g.group.name === 'partner-erp'));
		a.demo.dispose(); // as after a reload: no simulator until a demo profile needs it
		a.tree.refresh();
		const groups = await partnerGroups(a.profiles.get(partner.id)!);
		assert.ok(
			groups.some((g) => g.group.name === 'partner-erp'),
			'the simulator started for the partner profile',
		);
		assert.equal(a.tree.getTreeItem(groups[0]).contextValue?.includes('simulated'), true, 'no console link for simulated groups');
	});

	describe('KooCLI profiles', () => {
		let sim: Simulator;
		let dir: string;
		before(async () => {
			sim = await startSimulator();
			dir = mkdtempSync(join(tmpdir(), 'sdrs-koocli-'));
		});
		after(async () => {
			await vscode.workspace.getConfiguration('sdrs').update('endpoints', undefined, vscode.ConfigurationTarget.Global);
			await sim.stop();
			rmSync(dir, { recursive: true, force: true });
		});

		it('lists a KooCLI file’s profiles with mode, region and project ID; SSO and ECS agency are shown as not importable, and why', async () => {
			let listed: readonly (vscode.QuickPickItem & { profile?: unknown })[] = [];
			let locked: string[] = [];
			a.ports.prompts = {
				...noQuestions,
				confirm: () => Promise.reject(new Error('nothing to confirm')),
				alert: () => Promise.resolve(),
				choose: (items, o) => {
					listed = items;
					locked = items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && o.locked(i)).map((i) => i.label);
					return Promise.resolve([]);
				},
			};
			const imported = await vscode.commands.executeCommand<Profile[]>('sdrs.importKooCliProfiles', vscode.Uri.file(FIXTURE));
			assert.deepEqual(imported, []);
			const row = (name: string): vscode.QuickPickItem => listed.find((i) => i.label === name)!;
			assert.equal(row('default').description, 'AK/SK · cn-north-4 · 0123456789abcdef0123456789abcdef');
			assert.equal(row('dr-operator').description, 'agency · ap-southeast-3');
			assert.match(row('dr-operator').detail ?? '', /agency sdrs-dr-operator of account dr-partner · keys in clear in the file/);
			assert.equal(row('session').description, 'temporary AK/SK · cn-east-3');
			assert.equal(row('dr-operator').picked, true, 'KooCLI’s current profile is ticked');
			assert.deepEqual(locked, ['$(circle-slash) on-ecs', '$(circle-slash) sso']);
			assert.match(listed.find((i) => i.label.endsWith('sso'))!.detail ?? '', /SSO sign-in/);
			assert.match(listed.find((i) => i.label.endsWith('on-ecs'))!.detail ?? '', /metadata service of the ECS/);
			assert.equal(a.profiles.list().length, 0, 'nothing saved');
		});

		it('imports the chosen profiles after the IAM check: AK/SK in clear, an agency profile as an agency profile, encrypted keys typed in', async () => {
			await vscode.workspace.getConfiguration('sdrs').update('endpoints', { iam: sim.url, sdrs: sim.url, ecs: sim.url }, vscode.ConfigurationTarget.Global);
			const file = join(dir, 'config.json');
			const clear = { accessKeyId: DEMO_CREDENTIALS.accessKey, secretAccessKey: DEMO_CREDENTIALS.secretKey };
			writeFileSync(
				file,
				JSON.stringify({
					authEncrypt: 'false',
					current: 'kc-agency',
					profiles: [
						{ name: 'kc-aksk', mode: 'AKSK', region: 'cn-north-4', ...clear },
						{ name: 'kc-agency', mode: 'AKSK', region: 'cn-north-4', agencyDomainName: DEMO_AGENCY.domainName, agencyName: DEMO_AGENCY.agencyName, ...clear },
						{ name: 'kc-sso', mode: 'SSO' },
					],
				}),
			);
			const confirms: string[] = [];
			answer([], { confirm: confirms });
			a.ports.prompts.choose = (items, o) => Promise.resolve(items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && !o.locked(i)));
			const imported = await vscode.commands.executeCommand<Profile[]>('sdrs.importKooCliProfiles', vscode.Uri.file(file));
			assert.deepEqual(imported.map((p) => p.name).sort(), ['kc-agency', 'kc-aksk']);
			assert.ok(
				confirms.every((m) => /Send the keys of “kc-(aksk|agency)” to 127\.0\.0\.1/.test(m) || /the new profile/.test(m)),
				confirms.join('\n'),
			);
			const aksk = profileNamed('kc-aksk');
			const agency = profileNamed('kc-agency');
			assert.equal(aksk.kind, 'aksk');
			assert.equal(agency.kind, 'agency');
			assert.deepEqual(agency.agency, { domainName: DEMO_AGENCY.domainName, agencyName: DEMO_AGENCY.agencyName, durationSeconds: 3600 });
			// The agency profile keeps its own base keys, in SecretStorage only.
			assert.deepEqual(await a.profiles.credentials(agency.id), { ...DEMO_CREDENTIALS });
			assert.ok(!JSON.stringify(a.profiles.list()).includes(DEMO_CREDENTIALS.secretKey));
			assert.ok((await partnerGroups(agency)).some((g) => g.group.name === 'partner-erp'));

			// An encrypted file: the keys are typed in (KooCLI's scheme is not public).
			writeFileSync(file, JSON.stringify({ authEncrypt: 'true', profiles: [{ name: 'kc-encrypted', mode: 'AKSK', accessKeyId: 'v1:Zm9vYmFy', secretAccessKey: 'v1:YmFyYmF6' }] }));
			const asked = answer([
				[/Access Key ID/, DEMO_CREDENTIALS.accessKey],
				[/Secret Access Key/, DEMO_CREDENTIALS.secretKey],
				[/Security Token/, ''],
			]);
			a.ports.prompts.choose = (items, o) => Promise.resolve(items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && !o.locked(i)));
			const typed = await vscode.commands.executeCommand<Profile[]>('sdrs.importKooCliProfiles', vscode.Uri.file(file));
			assert.deepEqual(
				typed.map((p) => p.name),
				['kc-encrypted'],
			);
			assert.match(asked[0].prompt ?? '', /KooCLI encrypts its keys with a scheme that is not public/);
			assert.equal(asked.find((o) => /Secret Access Key/.test(o.title ?? ''))?.password, true);
		});

		it('an agency based on a profile sends that profile’s keys to a host off Huawei Cloud only under that profile’s own allowance', async () => {
			await vscode.workspace.getConfiguration('sdrs').update('endpoints', { iam: sim.url, sdrs: sim.url, ecs: sim.url }, vscode.ConfigurationTarget.Global);
			const base = await a.profiles.save({ name: 'kc-base', kind: 'aksk', temporary: false }, { ...DEMO_CREDENTIALS });
			const assumed = (): number => sim.stats.byRoute[ASSUME] ?? 0;
			const before = assumed();
			const add = async (allowBase: boolean): Promise<{ added: Profile | undefined; asked: string[] }> => {
				const asked: string[] = [];
				answer([
					[/delegating account/, DEMO_AGENCY.domainName],
					[/agency name/, DEMO_AGENCY.agencyName],
					[/duration/, '3600'],
					[/Name this profile/, 'kc-via-base'],
				]);
				a.ports.prompts.pick = <T extends vscode.QuickPickItem>(items: readonly T[]) => Promise.resolve(items.find((i) => (i as { profile?: Profile }).profile?.id === base.id));
				a.ports.prompts.confirm = (m) => (asked.push(m), Promise.resolve(allowBase || !/kc-base/.test(m)));
				a.ports.prompts.alert = () => Promise.resolve();
				// A refusal is said in an error notification the command waits on: dismissed here.
				let settled = false;
				const running = vscode.commands.executeCommand<Profile | undefined>('sdrs.addAgencyProfile').then((p) => ((settled = true), p));
				await waitFor('the command to end', async () => {
					await new Promise((r) => setTimeout(r, 200));
					await vscode.commands.executeCommand('notifications.clearAll');
					return settled;
				});
				return { added: await running, asked };
			};
			// The base profile's keys: the question names it, and its No sends nothing.
			const refused = await add(false);
			assert.equal(refused.added, undefined, 'not saved');
			assert.ok(
				refused.asked.some((m) => /Send the keys of “kc-base” to 127\.0\.0\.1:\d+\?/.test(m)),
				refused.asked.join('\n'),
			);
			assert.equal(assumed(), before, 'the agency was not assumed: the base keys were not sent');
			assert.ok(!a.approvals.isApproved(base.id, new URL(sim.url).host));
			// Allowed for the base profile: kept under it, and the temporary keys are asked for the new profile.
			a.approvals.clearRefusals();
			const allowed = await add(true);
			assert.equal(allowed.added?.name, 'kc-via-base', allowed.asked.join('\n'));
			assert.ok(assumed() > before, 'the agency was assumed');
			assert.ok(a.approvals.isApproved(base.id, new URL(sim.url).host), 'the allowance is the base profile’s');
			assert.ok(
				allowed.asked.some((m) => /“the new profile”/.test(m)),
				allowed.asked.join('\n'),
			);
		});

		it('refuses a file over the size cap before reading it', async () => {
			const big = join(dir, 'big.json');
			writeFileSync(big, `{"profiles":[],"pad":"${'x'.repeat(1024 * 1024)}"}`);
			a.ports.prompts = { ...noQuestions, confirm: () => Promise.reject(new Error('nothing to confirm')), alert: () => Promise.resolve() };
			// Said (not awaited), nothing listed (an unexpected plan would fail the command) or saved.
			assert.deepEqual(await vscode.commands.executeCommand('sdrs.importKooCliProfiles', vscode.Uri.file(big)), []);
			assert.equal(a.profiles.list().length, 0);
		});
	});
});
