import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { SdrsError } from '../../src/core/errors';
import type { SdrsApi } from '../../src/extension';
import type { MessageNode, Node } from '../../src/ui/views/groupsTree';
import { JobStore } from '../../src/core/jobStore';
import { DEMO_CREDENTIALS, startSimulator, type Simulator } from '../../src/simulator/simulator';
import { Workflow } from '../../src/core/workflow';
import { api, demoProjects, group, groupsOf, noQuestions, outcomeOf, reset, waitFor, EXTENSION_ID } from './support';

interface Manifest {
	contributes: {
		commands: { command: string }[];
		menus: Record<string, { command: string; when?: string }[]>;
		views: Record<string, { id: string }[]>;
		configuration: { properties: Record<string, { markdownDescription?: string; description?: string; default?: unknown }> };
	};
}

const manifest = (): Manifest => vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;

describe('extension in a real VS Code', () => {
	let a: SdrsApi;
	before(async () => {
		a = await api();
	});
	beforeEach(async () => {
		await reset(a);
	});

	it('activates, and its deferred start-up work (context keys, filters, resuming jobs) completes without error', async () => {
		assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
		await a.ready; // rejects if any part of it failed
	});

	it('registers every contributed command, and contributes every registered one', async () => {
		const contributed = manifest().contributes.commands.map((c) => c.command).sort();
		// VS Code adds commands of its own for each view (sdrs.jobs.focus, …): those are not ours.
		const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('sdrs.') && !/^sdrs\.(protectionGroups|jobs)\./.test(id)).sort();
		assert.deepEqual(registered, contributed);
		assert.deepEqual([...a.commandIds].sort(), contributed);
	});

	it('describes and defaults every setting', () => {
		const props = manifest().contributes.configuration.properties;
		for (const key of ['sdrs.regions', 'sdrs.projects', 'sdrs.endpoints', 'sdrs.jobs.timeoutMinutes', 'sdrs.requestTimeoutSeconds', 'sdrs.maxConcurrentRequests']) {
			assert.ok(props[key], key);
			assert.ok(props[key].markdownDescription ?? props[key].description, `${key} has a description`);
			assert.notEqual(props[key].default, undefined, `${key} has a default`);
		}
	});

	it('shows no tree (the welcome view) without a profile', async () => {
		assert.deepEqual(await a.tree.getChildren(), []);
	});

	it('the demo shows projects (regions and the sub-project) without MOS', async () => {
		const projects = await demoProjects(a);
		assert.deepEqual(
			projects.map((p) => p.project.name),
			['ap-southeast-3', 'cn-east-3', 'cn-north-4', 'cn-north-4_dev', 'cn-south-1', 'la-south-2'],
		);
		const sub = a.tree.getTreeItem(projects.find((p) => p.project.isSubProject)!);
		assert.match(String(sub.description), /cn-north-4/);
		assert.equal(a.profiles.list()[0].name, 'Demo (simulated)');
	});

	it('lists the groups of a project with status as text, a stable id and an accessible label', async () => {
		const groups = await groupsOf(a, 'cn-north-4');
		const sim = a.demo.running!;
		const expected = sim.groups(groups[0].project.id).map((g) => g.name).sort();
		assert.deepEqual(groups.map((g) => g.group.name).sort(), expected);
		const erp = groups.find((g) => g.group.name === 'erp-prod')!;
		const item = a.tree.getTreeItem(erp);
		assert.equal(item.description, 'Protected');
		assert.equal(item.id, `group/${erp.profile.id}/${erp.project.id}/${erp.group.id}`);
		assert.match(item.accessibilityInformation?.label ?? '', /erp-prod.*Protected/);
		const starting = a.tree.getTreeItem(groups.find((g) => g.group.name === 'mail-relay')!);
		assert.equal((starting.iconPath as vscode.ThemeIcon).id, 'loading~spin');
		assert.match(String(starting.description), /Enabling protection · 35%/);
	});

	it('offers exactly the menu entries the status and replication pairs allow (the package.json when-clauses against each contextValue)', async () => {
		const menus = manifest().contributes.menus['view/item/context'];
		const regexFor = (command: string): RegExp => {
			const when = menus.find((m) => m.command === command)?.when ?? '';
			const m = /viewItem =~ \/(.+?)\/(\s|$)/.exec(when);
			assert.ok(m, `${command} has a viewItem regex`);
			return new RegExp(m[1]);
		};
		const enable = regexFor('sdrs.enableProtection');
		const again = regexFor('sdrs.enableProtectionAgain');
		const all = [...(await groupsOf(a, 'cn-north-4')), ...(await groupsOf(a, 'ap-southeast-3')), ...(await groupsOf(a, 'cn-east-3'))];
		assert.ok(all.length >= 30);
		for (const g of all) {
			const cv = String(a.tree.getTreeItem(g).contextValue);
			// The same rule as the Command Palette's picker: the status allows it and the group has replication pairs.
			const pairs = g.group.replicationNum > 0;
			assert.equal(enable.test(cv), ['available', 'error-starting'].includes(g.group.status) && pairs, `${g.group.name} (${g.group.status}): ${cv}`);
			assert.equal(again.test(cv), ['failed-over', 'error-reprotecting'].includes(g.group.status) && pairs, `${g.group.name} (${g.group.status}): ${cv}`);
		}
		assert.ok(all.some((g) => g.group.status === 'available' && g.group.replicationNum === 0), 'the seed has a group the rule refuses (hr-portal)');
	});

	it('keeps server text out of links and commands in tooltips', async () => {
		const g = await group(a, 'crm-web');
		a.demo.running!.patchGroup(g.group.id, { name: '[click](command:sdrs.removeProfile) <b>x</b> https://evil.example \u202egnp.exe', description: '[evil](https://example.com) www.evil.example' });
		a.tree.refresh(g.project.name ? { type: 'project', profile: g.profile, project: g.project } : undefined);
		const renamed = (await groupsOf(a, 'cn-north-4')).find((n) => n.group.id === g.group.id)!;
		const md = a.tree.getTreeItem(renamed).tooltip as vscode.MarkdownString;
		assert.equal(md.isTrusted, false);
		assert.equal(md.supportHtml, false);
		assert.doesNotMatch(md.value, /\]\(command:/);
		assert.doesNotMatch(md.value, /\]\(https:/);
		assert.match(md.value, /\\\[click\\\]/);
		// No bare URL for the renderer to link by itself, no bidi override, in the tooltip or the label.
		assert.doesNotMatch(md.value, /https?:\/\/|www\./);
		assert.match(md.value, /https\\\[:\\\]\/\/evil\.example/);
		const label = a.tree.getTreeItem(renamed).label;
		assert.doesNotMatch(`${md.value}${typeof label === 'string' ? label : (label?.label ?? '')}`, /\u202e/);
	});

	it('turns a failed project load into an error item that names the cause, with a retry', async () => {
		const projects = await demoProjects(a);
		const sim = a.demo.running!;
		const project = projects.find((p) => p.project.name === 'cn-east-3')!;
		sim.configure({ faults: [{ match: 'server-groups$', kind: 'respond', status: 403, count: 1, body: '{"error":{"code":"SDRS.0004","message":"Incorrect API invoking permissions."}}' }] });
		const children = await a.tree.getChildren(project);
		assert.equal(children.length, 1);
		const err = children[0] as MessageNode;
		assert.equal(err.kind, 'error');
		assert.match(err.label, /Access denied \(403 SDRS\.0004\)/);
		const item = a.tree.getTreeItem(err);
		assert.equal(item.command?.command, 'sdrs.refresh');
		await vscode.commands.executeCommand('sdrs.refresh', err);
		const again = await a.tree.getChildren(project);
		assert.ok(again.length > 1 && again.every((n) => n.type === 'group'));
	});

	it('Enable Protection end to end: checks, confirmation, one POST, job to SUCCESS, group protected', async () => {
		const g = await group(a, 'crm-web');
		const sim = a.demo.running!;
		sim.configure({ jobDurationMs: 1500 });
		const asked: string[] = [];
		a.ports.prompts = { ...noQuestions, confirm: (m, d) => (asked.push(m + '\n' + d), Promise.resolve(true)), alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)) };
		const result = await vscode.commands.executeCommand('sdrs.enableProtection', g);
		assert.equal(result, 'started');
		assert.match(asked[0], /Enable Protection for protection group “crm-web” in account sdrs-demo \([0-9a-f]{32}\)\?/);
		assert.match(asked[0], /hostname, name, security group, agency, ECS group, tags and auto-recovery/);
		assert.match(asked[0], /✓ Live status allows the action/);
		const jobId = a.store.all().find((j) => j.groupId === g.group.id)!.jobId;
		assert.ok(a.store.runningJobFor(g.project.id, g.group.id));
		assert.match(String(a.tree.getTreeItem(a.tree.findGroup(g.profile.id, g.project.id, g.group.id)!).contextValue), /jobRunning/);
		await waitFor('the job outcome', () => outcomeOf(a, jobId));
		assert.equal(outcomeOf(a, jobId), 'SUCCESS');
		assert.equal(sim.stats.actionPosts[g.group.id], 1);
		await waitFor('the group to show protected', () => a.tree.findGroup(g.profile.id, g.project.id, g.group.id)?.group.status === 'protected' || undefined);
		assert.equal(a.store.all().find((j) => j.jobId === jobId)?.outcome, 'SUCCESS');
	});

	it('Enable Protection Again end to end on a failed-over group whose DR servers are stopped', async () => {
		const g = await group(a, 'payments-core');
		a.demo.running!.configure({ jobDurationMs: 1000 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtectionAgain', g), 'started');
		const jobId = a.store.all().find((j) => j.groupId === g.group.id)!.jobId;
		await waitFor('the job outcome', () => outcomeOf(a, jobId));
		assert.equal(outcomeOf(a, jobId), 'SUCCESS');
		assert.equal(a.demo.running!.group(g.group.id)?.status, 'protected');
	});

	it('a FAIL job is reported with its error code and recorded', async () => {
		const g = await group(a, 'billing-db');
		a.demo.running!.configure({ jobDurationMs: 500 });
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
		const jobId = a.store.all().find((j) => j.groupId === g.group.id)!.jobId;
		await waitFor('the job outcome', () => outcomeOf(a, jobId));
		const stored = a.store.all().find((j) => j.jobId === jobId)!;
		assert.equal(stored.outcome, 'FAIL');
		assert.equal(stored.errorCode, 'SDRS.1027');
		await waitFor('error-starting in the tree', () => a.tree.findGroup(g.profile.id, g.project.id, g.group.id)?.group.status === 'error-starting' || undefined);
	});

	for (const [name, action, command, expect] of [
		['hr-portal', 'enable', 'sdrs.enableProtection', /✗ The group has replication pairs — 0 replication pairs/],
		['inventory-api', 'enableAgain', 'sdrs.enableProtectionAgain', /✗ Every server at the current DR site is stopped — running in cn-north-4a: inventory-api-vm1 \(ACTIVE\)/],
	] as const) {
		it(`stops before the POST when a pre-flight check fails (${name}, ${action})`, async () => {
			const g = await group(a, name);
			const alerts: string[] = [];
			a.ports.prompts = { ...noQuestions, confirm: () => Promise.reject(new Error('must not ask')), alert: (m, d) => (alerts.push(`${m}\n${d}`), Promise.resolve()) };
			assert.equal(await vscode.commands.executeCommand(command, g), 'refused');
			assert.match(alerts[0], expect);
			assert.equal(a.demo.running!.stats.actionPosts[g.group.id] ?? 0, 0);
		});
	}

	it('stops when the live status changed since the tree was drawn', async () => {
		const g = await group(a, 'chat', 'cn-east-3');
		a.demo.running!.patchGroup(g.group.id, { status: 'protected' });
		const alerts: string[] = [];
		a.ports.prompts = { ...noQuestions, confirm: () => Promise.reject(new Error('must not ask')), alert: (m, d) => (alerts.push(`${m}\n${d}`), Promise.resolve()) };
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'refused');
		assert.match(alerts[0], /✗ Live status allows the action — status is protected/);
	});

	it('a cancelled confirmation sends nothing', async () => {
		const g = await group(a, 'media-transcode', 'ap-southeast-3');
		a.ports.prompts = { ...noQuestions, confirm: () => Promise.resolve(false), alert: () => Promise.resolve() };
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'cancelled');
		assert.equal(a.demo.running!.stats.actionPosts[g.group.id] ?? 0, 0);
	});

	it('refuses a second action on a group while the first is in flight: one POST', async () => {
		const g = await group(a, 'reporting');
		a.demo.running!.configure({ jobDurationMs: 3000 });
		const [first, second] = await Promise.all([vscode.commands.executeCommand('sdrs.enableProtection', g), vscode.commands.executeCommand('sdrs.enableProtection', g)]);
		assert.deepEqual([first, second].sort(), ['refused', 'started']);
		assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'refused');
		assert.equal(a.demo.running!.stats.actionPosts[g.group.id], 1);
	});

	it('says when temporary credentials have expired instead of calling the service', async () => {
		await a.profiles.save({ name: 'temp', kind: 'aksk', temporary: true, expiresAt: Date.now() - 60_000 }, { accessKey: 'TEMPORARYAK01', secretKey: 'temporary-secret', securityToken: 'tok' });
		const roots = await a.tree.getChildren();
		assert.equal(roots.length, 1);
		const node = roots[0] as MessageNode;
		assert.match(node.label, /temporary credentials of “temp” expired/);
		assert.equal(a.tree.getTreeItem(node).command?.command, 'sdrs.addProfile');
	});

	it('keeps keys out of globalState and settings: only SecretStorage has them', async () => {
		await demoProjects(a);
		const meta = JSON.stringify(a.profiles.list());
		const creds = await a.profiles.credentials(a.profiles.list()[0].id);
		assert.ok(creds?.secretKey);
		assert.ok(!meta.includes(creds.secretKey));
		assert.ok(!meta.includes(creds.accessKey));
		const settings = JSON.stringify(vscode.workspace.getConfiguration('sdrs'));
		assert.ok(!settings.includes(creds.secretKey));
	});

	it('reads the keys once per session, not per request, and again as soon as they change', async () => {
		// Count SecretStorage reads from outside: the store's read, wrapped for this test only.
		let secretReads = 0;
		const read = a.profiles.credentials.bind(a.profiles);
		a.profiles.credentials = (id: string) => (secretReads++, read(id));
		const project = (await demoProjects(a)).find((p) => p.project.name === 'cn-north-4')!;
		assert.ok((await a.tree.getChildren(project)).some((n) => n.type === 'group'));
		const reads = secretReads;
		a.tree.refresh();
		assert.ok((await a.tree.getChildren()).length > 0);
		assert.ok((await a.tree.getChildren(project)).some((n) => n.type === 'group'));
		assert.equal(secretReads, reads, 'a refresh (an IAM call and a listing) read no keys');
		// Other keys stored for the profile (as another window would): the next calls use them,
		// also through a client obtained before the change (as a job being watched holds one).
		const demo = a.profiles.list()[0];
		const held = a.clients.client(demo);
		await a.profiles.save({ name: demo.name, kind: demo.kind, temporary: false, endpoints: demo.endpoints }, { accessKey: 'OTHERKEYS0000001', secretKey: 'not-the-demo-secret' });
		a.tree.refresh();
		const roots = await a.tree.getChildren();
		assert.equal(roots.length, 1);
		assert.equal(roots[0].type, 'message');
		assert.match(roots[0].label, /401|credential|AK\/SK|key/i);
		assert.equal(secretReads, reads + 1, 'read once after the change');
		await assert.rejects(held.listProjects(), (e: SdrsError) => e.status === 401 && e.code === 'APIGW.0301', 'the held client signs with the new keys');
		delete (a.profiles as Partial<typeof a.profiles>).credentials; // the prototype's read again (a failure above leaves a harmless counter)
	});

	it('ships a complete Simplified Chinese bundle for the manifest', () => {
		const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
		const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
		const zh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
		assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
	});

	describe('where keys go', () => {
		let legit: Simulator;
		let hostile: Simulator;
		const folderSettings = (): string => join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
		before(async () => {
			legit = await startSimulator();
			hostile = await startSimulator();
		});
		after(async () => {
			rmSync(folderSettings(), { force: true });
			await vscode.workspace.getConfiguration('sdrs').update('endpoints', undefined, vscode.ConfigurationTarget.Global);
			await legit.stop();
			await hostile.stop();
		});
		const useLegit = (): Thenable<void> => vscode.workspace.getConfiguration('sdrs').update('endpoints', { iam: legit.url, sdrs: legit.url, ecs: legit.url }, vscode.ConfigurationTarget.Global);

		it('a folder’s .vscode/settings.json cannot redirect signed requests: nothing reaches the host it names', async () => {
			await useLegit();
			mkdirSync(dirname(folderSettings()), { recursive: true });
			writeFileSync(folderSettings(), JSON.stringify({ 'sdrs.endpoints': { iam: hostile.url, sdrs: hostile.url, ecs: hostile.url }, 'sdrs.requestTimeoutSeconds': 29 }));
			// The folder's file is read (its other setting applies)…
			await waitFor('the folder settings to load', () => vscode.workspace.getConfiguration('sdrs').get('requestTimeoutSeconds') === 29 || undefined);
			await a.profiles.save({ name: 'account', kind: 'aksk', temporary: false }, DEMO_CREDENTIALS);
			const roots = await a.tree.getChildren();
			assert.ok(roots.length > 1 && roots.every((n) => n.type === 'project'), JSON.stringify(roots.map((n) => n.type)));
			// …but not its endpoints: the user's setting decided, on the server side too.
			assert.ok(legit.stats.requests > 0);
			assert.equal(hostile.stats.requests, 0, 'no request reached the endpoint the folder named');
			assert.equal(hostile.stats.authFailures, 0);
		});

		it('temporary keys that the gateway says expired stop every call of the profile', async () => {
			rmSync(folderSettings(), { force: true });
			await useLegit();
			await legit.stop();
			legit = await startSimulator({ temporaryCredentials: { TEMPEXPIRES01: { secretKey: 'temporary-secret-1', securityToken: 'tok-expires', expiresAt: Date.now() + 1500 } } });
			await useLegit();
			await a.profiles.save({ name: 'short-lived', kind: 'aksk', temporary: true }, { accessKey: 'TEMPEXPIRES01', secretKey: 'temporary-secret-1', securityToken: 'tok-expires' });
			assert.ok((await a.tree.getChildren()).every((n) => n.type === 'project'), 'the keys work at first');
			await new Promise((r) => setTimeout(r, 1700));
			a.tree.refresh();
			await a.tree.getChildren(); // the gateway now says the token expired
			await waitFor('the profile to be marked expired', () => (a.profiles.list()[0].expiresAt ?? Infinity) <= Date.now() || undefined);
			const sent = legit.stats.requests;
			a.tree.refresh();
			const roots = await a.tree.getChildren();
			assert.match((roots[0] as MessageNode).label, /temporary credentials of “short-lived” expired/);
			await assert.rejects(a.clients.client(a.profiles.list()[0]).listProjects(), /have expired/);
			assert.equal(legit.stats.requests, sent, 'nothing more was sent for the profile');
		});

		it('asks before a profile’s keys go to a host off Huawei Cloud, once per profile and host; a refusal sends nothing', async () => {
			rmSync(folderSettings(), { force: true });
			await useLegit();
			const asked: string[] = [];
			let answer = false;
			a.ports.prompts = { ...noQuestions, confirm: (m) => (asked.push(m), Promise.resolve(answer)), alert: () => Promise.resolve() };
			const before = legit.stats.requests;
			await a.profiles.save({ name: 'careful', kind: 'aksk', temporary: false }, DEMO_CREDENTIALS);
			const refused = await a.tree.getChildren();
			assert.equal(refused.length, 1);
			assert.match((refused[0] as MessageNode).label, /Not sent: the keys of “careful” go to 127\.0\.0\.1:\d+ only if you allow it/);
			assert.equal(legit.stats.requests, before, 'nothing was sent while not allowed');
			assert.match(asked[0], new RegExp(`Send the keys of “careful” to ${new URL(legit.url).host.replace(/\./g, '\\.')}\\?`));
			answer = true;
			a.tree.refresh();
			assert.ok((await a.tree.getChildren()).every((n) => n.type === 'project'));
			assert.ok(legit.stats.requests > before);
			const asks = asked.length;
			a.tree.refresh();
			await a.tree.getChildren();
			assert.equal(asked.length, asks, 'remembered for this profile and host');
			assert.ok(a.approvals.isApproved(a.profiles.list()[0].id, new URL(legit.url).host));
		});
	});

	describe('jobs that outlive a window', () => {
		it('resumes a job in flight after deactivate/activate and reports its outcome', async () => {
			const g = await group(a, 'crm-web');
			const sim = a.demo.running!;
			sim.configure({ jobDurationMs: 4000 });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			await a.workflow.suspend(); // what deactivation does: stop following, keep the record
			assert.equal(a.store.get(job.jobId)?.lease, undefined, 'the lease is released');
			assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, undefined);
			// A GET already on the wire may still arrive: wait a generous second (a busy machine), then watch for two.
			await new Promise((r) => setTimeout(r, 1000));
			const polls = sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0;
			await new Promise((r) => setTimeout(r, 2000));
			assert.equal(sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0, polls, `nobody polls while deactivated (${JSON.stringify(sim.stats.byRoute)})`);
			assert.ok(a.workflow.resumeAll() >= 1); // what activation does
			await waitFor('the resumed job to be reported', () => outcomeOf(a, job.jobId));
			assert.equal(a.store.get(job.jobId)?.reportedBy, a.store.owner, 'reported by this window, which took the job back');
			assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, 'SUCCESS');
			assert.equal(sim.stats.actionPosts[g.group.id], 1);
		});

		it('two windows: one polls the job, the other takes over only when the first goes away', async () => {
			const g = await group(a, 'chat', 'cn-east-3');
			const sim = a.demo.running!;
			sim.configure({ jobDurationMs: 9000 });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			// A second window on the same shared state: its own store (another owner) and workflow.
			const peerStore = new JobStore(a.store.state);
			const peer = new Workflow({ ...a.workflow.deps, store: peerStore });
			try {
				// resumeAll decides from the stored lease at once: no timing window to wait out.
				assert.equal(peer.resumeAll(), 0, 'the lease keeps the second window off');
				assert.equal(peerStore.follows(job.jobId), false);
				assert.equal(a.store.follows(job.jobId), true);
				await a.workflow.suspend(); // the first window closes; its lease is released
				await waitFor('the second window to take over', () => peerStore.follows(job.jobId) || undefined, 15_000);
				await waitFor('the outcome from the second window', () => outcomeOf(a, job.jobId), 20_000);
				assert.equal(a.store.get(job.jobId)?.reportedBy, peerStore.owner, 'reported once, by the window that followed it');
			} finally {
				peer.dispose();
				peerStore.dispose();
			}
		});

		it('a job whose profile was removed is marked as no longer followed, not left running', async () => {
			const g = await group(a, 'media-transcode', 'ap-southeast-3');
			a.demo.running!.configure({ jobDurationMs: 60_000 });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			await a.workflow.suspend();
			await a.profiles.remove(g.profile.id);
			a.workflow.resumeAll();
			await waitFor('the job to be closed', () => a.store.all().find((j) => j.jobId === job.jobId)?.outcome);
			const closed = a.store.all().find((j) => j.jobId === job.jobId)!;
			assert.equal(closed.outcome, 'ERROR');
			assert.match(closed.failReason ?? '', /profile was removed/);
		});

		it('a job past its timeout is said once and put aside: not polled again by itself; Follow Again, then Dismiss', async () => {
			const g = await group(a, 'media-transcode', 'ap-southeast-3');
			const sim = a.demo.running!;
			sim.configure({ jobDurationMs: 120_000 });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			await a.workflow.suspend();
			// Recorded as started 40 minutes ago: past the 30-minute timeout when it is picked up again.
			await a.store.patch(job.jobId, { startedAt: Date.now() - 40 * 60_000 });
			a.workflow.resumeAll();
			await waitFor('the job to be put aside', () => a.store.get(job.jobId)?.notFollowed);
			const aside = a.store.get(job.jobId)!;
			assert.equal(aside.notFollowed?.reason, 'timeout');
			assert.equal(aside.outcome, undefined, 'no outcome is guessed');
			assert.equal(aside.lease, undefined);
			assert.ok(a.store.runningJobFor(g.project.id, g.group.id), 'the group stays guarded');
			const polls = (): number => sim.stats.byRoute['GET /v1/{id}/jobs/{id}'] ?? 0;
			const before = polls();
			await new Promise((r) => setTimeout(r, 6000)); // longer than a heartbeat (5 s)
			assert.equal(polls(), before, 'nobody polls a job put aside');
			assert.equal(a.workflow.resumeAll(), 0);
			// Follow Again: polled again, with a new timeout.
			void vscode.commands.executeCommand('sdrs.followJobAgain', a.store.get(job.jobId));
			await waitFor('the job to be followed again', () => (a.store.follows(job.jobId) && polls() > before) || undefined);
			assert.equal(a.store.get(job.jobId)?.notFollowed, undefined);
			await a.workflow.suspend();
			// Dismiss: into the history, the group no longer guarded.
			await vscode.commands.executeCommand('sdrs.dismissJob', a.store.get(job.jobId));
			assert.equal(a.store.get(job.jobId)?.outcome, 'TIMEOUT');
			assert.equal(a.store.runningJobFor(g.project.id, g.group.id), undefined);
		});

		it('a lost answer to the action is not resent: the group is followed to its outcome', async () => {
			const g = await group(a, 'metrics', 'cn-east-3');
			const sim = a.demo.running!;
			sim.configure({ jobDurationMs: 1000, faults: [{ match: '^POST .*/action$', kind: 'lost-response', count: 1 }] });
			sim.patchGroup(g.group.id, { nextOutcome: 'success' });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			assert.equal(job.trackBy, 'group');
			await waitFor('the outcome', () => outcomeOf(a, job.jobId), 20_000);
			assert.equal(a.store.all().find((j) => j.jobId === job.jobId)?.outcome, 'SUCCESS');
			assert.equal(sim.stats.actionPosts[g.group.id], 1);
			assert.equal(sim.stats.jobsCreated[g.group.id], 1);
		});
	});

	describe('inside a protection group', () => {
		const children = async (n: Node): Promise<Node[]> => a.tree.getChildren(n);
		const section = async (name: string, kind: 'instances' | 'pairs' | 'drills', region = 'cn-north-4'): Promise<Node[]> => {
			const g = await group(a, name, region);
			const sections = await children(g);
			assert.deepEqual(sections.map((n) => (n.type === 'section' ? n.section : n.type)), ['instances', 'pairs', 'drills']);
			return children(sections.find((n) => n.type === 'section' && n.section === kind)!);
		};

		it('a failed-over group shows its servers at both sites, the running DR-site server marked and explained', async () => {
			const items = await section('inventory-api', 'instances');
			const instances = items.filter((n): n is Extract<Node, { type: 'instance' }> => n.type === 'instance');
			assert.ok(instances.length > 0);
			const running = instances.find((n) => n.dr && n.dr.status !== 'SHUTOFF')!;
			assert.ok(running, 'the seed runs one DR-site server of inventory-api');
			const item = a.tree.getTreeItem(running);
			assert.match(String(item.description), /DR-site server inventory-api-vm1 is running/);
			assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
			assert.match(String(item.accessibilityInformation?.label), /DR-site server running/);
			const md = item.tooltip as vscode.MarkdownString;
			assert.equal(md.isTrusted, false);
			assert.match(md.value.replace(/&nbsp;/g, ' '), /Enable Protection Again needs every DR-site server stopped/);
			assert.equal(running.dr!.availabilityZone, 'cn-north-4a', 'the DR site of a failed-over group is its source AZ');
			assert.match(String(item.contextValue), /\binstance\b/);
		});

		it('replication pairs with their volumes and fault level in words; drills with the last drill’s age; empty sections say so', async () => {
			const pairs = (await section('erp-prod', 'pairs')).filter((n) => n.type === 'pair');
			assert.ok(pairs.length > 0);
			const md = a.tree.getTreeItem(pairs[0]).tooltip as vscode.MarkdownString;
			assert.match(md.value, /Production disk/);
			assert.match(md.value.replace(/&nbsp;/g, ' '), /\*\*Fault:\*\* no fault/);
			const broken = (await section('legacy-ftp', 'pairs')).filter((n) => n.type === 'pair');
			assert.ok(broken.length > 0 && broken.every((n) => /replication link is broken/.test(String(a.tree.getTreeItem(n).description))));
			const drills = await section('erp-prod', 'drills');
			assert.match((drills[0] as MessageNode).label, /Last DR drill \d+ days ago\./);
			assert.equal(drills.filter((n) => n.type === 'drill').length, 2);
			const none = await section('crm-web', 'drills');
			assert.deepEqual(none.map((n) => (n as MessageNode).label), ['No DR drill yet.', 'No DR drills for this group.']);
			const noPairs = await section('hr-portal', 'pairs');
			assert.equal((noPairs[0] as MessageNode).label, 'No replication pairs in this group.');
		});

		it('a finished job reads the group’s insides again', async () => {
			await demoProjects(a);
			a.demo.running!.configure({ jobDurationMs: 800 });
			const before = (await section('crm-web', 'pairs')).filter((n) => n.type === 'pair');
			assert.ok(before.every((n) => n.type === 'pair' && n.pair.status === 'available'));
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', await group(a, 'crm-web')), 'started');
			const jobId = a.store.all().find((j) => j.groupName === 'crm-web')!.jobId;
			await waitFor('the job outcome', () => outcomeOf(a, jobId));
			const g = a.tree.findGroup(before[0].profile.id, before[0].project.id, before[0].group.id)!;
			const pairs = await children((await children(g)).find((n) => n.type === 'section' && n.section === 'pairs')!);
			assert.ok(pairs.length > 0 && pairs.every((n) => n.type === 'pair' && n.pair.status === 'protected'), JSON.stringify(pairs.map((n) => n.type === 'pair' && n.pair.status)));
		});

		it('a section that fails to load is an error item with a retry; refreshing the group reads it again', async () => {
			const sim = a.demo.running ?? (await demoProjects(a), a.demo.running!);
			sim.configure({ faults: [{ match: 'disaster-recovery-drills', kind: 'respond', status: 403, rate: 1, body: '{"error_code":"SDRS.0403","error_msg":"forbidden"}' }] });
			const failed = await section('shop-frontend', 'drills', 'ap-southeast-3');
			assert.equal(failed.length, 1);
			const err = failed[0] as MessageNode;
			assert.equal(err.kind, 'error');
			assert.equal(a.tree.getTreeItem(err).command?.command, 'sdrs.refresh');
			sim.configure({ faults: [] });
			await vscode.commands.executeCommand('sdrs.refresh', err);
			const again = await section('shop-frontend', 'drills', 'ap-southeast-3');
			assert.equal(again.filter((n) => n.type === 'drill').length, 1);
			// Copy ID works on every new item.
			await vscode.commands.executeCommand('sdrs.copyId', again.find((n) => n.type === 'drill'));
			assert.match(await vscode.env.clipboard.readText(), /^[0-9a-f-]{36}$/);
		});
	});

	describe('explorer in depth', () => {
		it('filters are sent as the service query parameters and shown in the view title', async () => {
			const projects = await demoProjects(a);
			const profile = projects[0].profile;
			await a.filters.set(profile.id, { queryType: 'status_abnormal', name: 'e' });
			assert.match(String(a.view.description), /abnormal status, name contains “e”/);
			const cn = (await a.tree.getChildren()).find((n) => n.type === 'project' && n.project.name === 'cn-north-4')!;
			const groups = await a.tree.getChildren(cn);
			const q = new URLSearchParams(a.demo.running!.stats.listQueries.at(-1));
			assert.equal(q.get('query_type'), 'status_abnormal');
			assert.equal(q.get('name'), 'e');
			assert.ok(groups.length > 0 && groups.every((g) => g.type === 'group' && g.group.status.startsWith('error') && g.group.name.includes('e')));
			await vscode.commands.executeCommand('sdrs.clearFilter');
			assert.equal(a.filters.size, 0);
			assert.equal(a.view.description, undefined);
		});

		it('the Command Palette picker lists every group, ineligible ones last with the reason', async () => {
			const { groupPickItems } = await import('../../src/ui/commands/pickers');
			const groups = (await groupsOf(a, 'cn-north-4')).map((n) => n.group);
			const reporting = groups.find((g) => g.name === 'reporting')!;
			const items = groupPickItems(groups, 'enable', (id) => (id === reporting.id ? 'job-42' : undefined));
			const real = items.filter((i) => i.group);
			assert.equal(real.length, groups.length);
			const reason = (name: string): string | undefined => real.find((i) => i.group!.name === name)?.blocked;
			assert.equal(reason('crm-web'), undefined);
			assert.match(reason('hr-portal') ?? '', /no replication pairs/);
			assert.match(reason('reporting') ?? '', /job job-42/);
			assert.match(reason('erp-prod') ?? '', /Status protected does not allow Enable Protection/);
			const sep = items.findIndex((i) => i.kind === vscode.QuickPickItemKind.Separator);
			assert.ok(sep > 0 && items.slice(0, sep).every((i) => !i.blocked) && items.slice(sep + 1).every((i) => i.blocked));
		});

		it('the Jobs view lists running and finished jobs; Copy Job Summary writes a Markdown record', async () => {
			const g = await group(a, 'crm-web');
			a.demo.running!.configure({ jobDurationMs: 600 });
			assert.equal(await vscode.commands.executeCommand('sdrs.enableProtection', g), 'started');
			const job = a.store.all().find((j) => j.groupId === g.group.id)!;
			await waitFor('the outcome', () => outcomeOf(a, job.jobId));
			const finished = a.store.all().find((j) => j.jobId === job.jobId)!;
			await vscode.commands.executeCommand('sdrs.copyJobSummary', finished);
			const md = await vscode.env.clipboard.readText();
			for (const expected of [/### SDRS: Enable Protection — crm-web/, /\| Profile \| Demo \\\(simulated\\\) \|/, /\| Account \| sdrs-demo \\\([0-9a-f]{32}\\\) \|/, /\| Region \| cn-north-4 \\\(CN North-Beijing4\\\) \|/, new RegExp(`\\| Job ID \\| ${job.jobId} \\|`), /\| Outcome \| succeeded \|/, /\| Ended \| 20\d\d-/]) {
				assert.match(md, expected);
			}
			await vscode.commands.executeCommand('sdrs.showJobs');
			await vscode.commands.executeCommand('sdrs.revealGroup', finished);
			assert.equal(a.view.selection[0]?.type === 'group' && a.view.selection[0].group.id, g.group.id);
		});

		it('contributes a walkthrough whose media exist and whose steps complete on context keys the extension sets', () => {
			const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
			const walkthroughs = (ext.packageJSON as { contributes: { walkthroughs: { steps: { id: string; completionEvents: string[]; media: { image: string } }[] }[] } }).contributes.walkthroughs;
			const bundle = readFileSync(join(ext.extensionPath, 'dist', 'extension.js'), 'utf8');
			const steps = walkthroughs[0].steps;
			assert.deepEqual(steps.map((s) => s.id), ['tryDemo', 'connect', 'enable', 'batch']);
			for (const step of steps) {
				assert.ok(existsSync(join(ext.extensionPath, step.media.image)), `${step.id}: ${step.media.image} is packaged`);
				for (const event of step.completionEvents) {
					const key = /^onContext:(.+)$/.exec(event)?.[1];
					assert.ok(key, `${step.id}: ${event} is a context event`);
					// The running extension's own code sets the key (a renamed key would leave the step open forever).
					assert.match(bundle, new RegExp(`["']setContext["'],\\s*["']${key.replace(/\./g, '\\.')}["']`), `${step.id}: nothing sets ${key}`);
				}
			}
		});
	});
});
