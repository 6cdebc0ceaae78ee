// One group's actions in a real VS Code: end to end through the commands, and every refusal.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MessageNode } from '../../src/ui/views/groupsTree';
import { group, noQuestions, outcomeOf, waitFor, useExtension } from './support';
import type { SdrsApi } from '../../src/extension';

describe('one protection group’s actions in a real VS Code', () => {
	let a: SdrsApi;
	useExtension((api) => (a = api));

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
});
