// DR drills in a real VS Code against the demo's simulator: Start DR Drill on dr-drill-ready into
// vpc-santiago-drill (the name and VPC answered through the prompts seam), the drill under the
// group's DR drills while it is created, the job followed and reported once; a bad VPC's failure
// (SDRS.1922) explained; Delete DR Drill with its modal.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SdrsApi } from '../../src/extension';
import { explain } from '../../src/ui/text';
import type { DrillNode } from '../../src/ui/views/groupDetails';
import type { GroupNode, Node } from '../../src/ui/views/groupsTree';
import type { DecisionItem } from '../../src/ui/services/decide';
import { api, EXTENSION_ID, group, groupsOf, noQuestions, outcomeOf, reset, waitFor } from './support';

const REGION = 'la-south-2';

describe('DR drills in a real VS Code', () => {
	let a: SdrsApi;
	before(async () => {
		a = await api();
	});
	beforeEach(async () => {
		await reset(a);
	});

	const drillsOf = async (g: GroupNode): Promise<DrillNode[]> => {
		const fresh = a.tree.findGroup(g.profile.id, g.project.id, g.group.id) ?? g;
		const sections: Node[] = await a.tree.getChildren(fresh);
		const section = sections.find((n) => n.type === 'section' && n.section === 'drills')!;
		return (await a.tree.getChildren(section)).filter((n): n is DrillNode => n.type === 'drill');
	};

	/** Answers the name with the default (kept in `names`) and the VPC with the item whose label is `vpc`. */
	const answer = (vpc: string, seen: { names: string[]; vpcs: string[] }): void => {
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.reject(new Error('must not ask')),
			alert: (m, d) => Promise.reject(new Error(`unexpected alert: ${m} ${d ?? ''}`)),
			input: (o) => (seen.names.push(o.value ?? ''), Promise.resolve(o.value)),
			pick: <T extends vscode.QuickPickItem>(items: readonly T[]) => {
				seen.vpcs.push(...items.map((i) => i.label));
				return Promise.resolve(items.find((i) => i.label === vpc));
			},
		};
	};

	it('starts a drill into vpc-santiago-drill: shown while created, followed and reported once; then deletes it', async () => {
		const g = await group(a, 'dr-drill-ready', REGION);
		a.demo.running!.patchGroup(g.group.id, { jobDurationMs: 1500 });
		assert.match(String(a.tree.getTreeItem(g).contextValue), /\bcanCreateDrill\b/);
		const before = (await drillsOf(g)).length;
		const seen = { names: [] as string[], vpcs: [] as string[] };
		answer('vpc-santiago-drill', seen);
		assert.equal(await vscode.commands.executeCommand('sdrs.createDrill', g), 'started');
		assert.match(seen.names[0], /^dr-drill-ready-drill-\d{8}-\d{4}$/, 'the default name');
		assert.equal(seen.vpcs[0], 'Let the service create a drill VPC (default)');
		assert.ok(seen.vpcs.includes('vpc-santiago-drill'));
		assert.ok(!seen.vpcs.includes('vpc-santiago-prod'), 'never the group’s own VPC');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		assert.equal(job.action, 'createDrill');
		// The drill shows under the group's DR drills while it is created.
		const creating = await waitFor('the drill being created in the tree', async () => (await drillsOf(g)).find((d) => d.drill.name === seen.names[0] && d.drill.status === 'creating'));
		assert.ok(creating);
		await waitFor('the job outcome', () => outcomeOf(a, job.jobId));
		const ended = a.store.get(job.jobId)!;
		assert.equal(ended.outcome, 'SUCCESS');
		assert.ok(ended.reportedBy, 'reported once, by this window');
		assert.ok(ended.drill?.id, 'the job named the drill');
		const created = await waitFor('the drill available in the tree', async () => (await drillsOf(g)).find((d) => d.drill.id === ended.drill!.id && d.drill.status === 'available'));
		assert.equal((await drillsOf(g)).length, before + 1);
		assert.match(String(a.tree.getTreeItem(created).contextValue), /\bcanDeleteDrill\b/);

		// The delete's question: Cancel first (the selected answer), so Enter deletes nothing.
		const asked: { title: string; placeholder: string; items: readonly DecisionItem[] }[] = [];
		let reply: 'cancel' | 'go' = 'cancel';
		a.ports.prompts = {
			...noQuestions,
			confirm: () => Promise.reject(new Error('no modal: its action button would have the focus')),
			decide: (items, o) => (asked.push({ ...o, items }), Promise.resolve(items.find((i) => i.answer === reply))),
			alert: (m) => Promise.reject(new Error(`unexpected alert: ${m}`)),
		};
		assert.equal(await vscode.commands.executeCommand('sdrs.deleteDrill', created), 'cancelled');
		assert.equal(a.demo.running!.stats.byRoute['DELETE /v1/{id}/disaster-recovery-drills/{id}'] ?? 0, 0, 'Cancel deletes nothing');
		reply = 'go';
		assert.equal(await vscode.commands.executeCommand('sdrs.deleteDrill', created), 'started');
		const [q] = asked;
		assert.match(q.title, /^Delete DR drill “dr-drill-ready-drill-\d{8}-\d{4}” of protection group “dr-drill-ready”\?$/);
		assert.deepEqual(
			q.items.slice(0, 2).map((i) => [i.label, i.answer]),
			[
				['Cancel', 'cancel'],
				['Delete DR Drill', 'go'],
			],
		);
		const lines = q.items.slice(2).map((i) => i.label);
		// A drill server per protected instance.
		const servers = a.demo.running!.instancesOf(g.group.id).length;
		assert.ok(servers > 0);
		assert.deepEqual(lines, [
			'What it does',
			`Deleted: the ${servers} drill server(s) of “${created.drill.name}”, with their disks and NICs.`,
			'An EIP bound to a drill server is unbound, not released.',
			'Kept: the drill VPC and its subnets.',
			'Not touched: production, the DR site and replication.',
		]);
		const del = a.store.all().find((j) => j.action === 'deleteDrill')!;
		await waitFor('the delete outcome', () => outcomeOf(a, del.jobId));
		assert.equal(a.store.get(del.jobId)!.outcome, 'SUCCESS');
		await waitFor('the drill gone from the tree', async () => !(await drillsOf(g)).some((d) => d.drill.id === ended.drill!.id) || undefined);
		assert.equal(a.demo.running!.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'], 1);
		assert.equal(a.demo.running!.stats.byRoute['DELETE /v1/{id}/disaster-recovery-drills/{id}'], 1);
	});

	it('a drill into a VPC without the group’s subnets fails with SDRS.1922, explained', async () => {
		const g = await group(a, 'dr-drill-ready', REGION);
		a.demo.running!.patchGroup(g.group.id, { jobDurationMs: 800 });
		answer('vpc-santiago-legacy', { names: [], vpcs: [] });
		assert.equal(await vscode.commands.executeCommand('sdrs.createDrill', g), 'started');
		const job = a.store.all().find((j) => j.groupId === g.group.id)!;
		await waitFor('the job outcome', () => outcomeOf(a, job.jobId));
		const ended = a.store.get(job.jobId)!;
		assert.equal(ended.outcome, 'FAIL');
		assert.equal(ended.errorCode, 'SDRS.1922');
		assert.match(ended.failReason ?? '', /SDRS\.1909/);
		assert.match(explain('SDRS.1922')!.fix, /delete the failed drill/);
	});

	it('offers Start DR Drill exactly on the statuses of §2.4 and Delete DR Drill exactly on deletable drills (package.json when-clauses)', async () => {
		const contextMenus = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus[
			'view/item/context'
		];
		const regexFor = (command: string): RegExp => new RegExp(/viewItem =~ \/(.+?)\/(\s|$)/.exec(contextMenus.find((m) => m.command === command)?.when ?? '')![1]);
		const start = regexFor('sdrs.createDrill');
		const del = regexFor('sdrs.deleteDrill');
		const allowed = ['available', 'protected', 'failed-over', 'error-starting', 'error-stopping', 'error-reversing', 'error-reprotecting', 'error-failing-over'];
		const groups = [...(await groupsOf(a, 'cn-north-4')), ...(await groupsOf(a, REGION))];
		assert.ok(
			groups.some((g) => !allowed.includes(g.group.status)),
			'some group allows no drill',
		);
		for (const g of groups) {
			assert.equal(start.test(String(a.tree.getTreeItem(g).contextValue)), allowed.includes(g.group.status), `${g.group.name} (${g.group.status})`);
		}
		const drills = [...(await drillsOf(await group(a, 'erp-prod'))), ...(await drillsOf(await group(a, 'dr-drill-ready', REGION)))];
		assert.ok(drills.length >= 3);
		for (const d of drills) {
			assert.equal(del.test(String(a.tree.getTreeItem(d).contextValue)), ['available', 'error', 'error-deleting'].includes(d.drill.status), `${d.drill.name} (${d.drill.status})`);
		}
		assert.ok(!start.test('drill canDeleteDrill') && !del.test('protectionGroup canCreateDrill'), 'the two tokens are told apart');
	});

	it('refuses a drill on a group whose live status allows none, before asking anything', async () => {
		const g = await group(a, 'dr-drill-ready', REGION);
		a.demo.running!.patchGroup(g.group.id, { status: 'reversing' });
		const alerts: string[] = [];
		a.ports.prompts = { ...noQuestions, confirm: () => Promise.reject(new Error('must not ask')), alert: (m, d) => (alerts.push(`${m}\n${d}`), Promise.resolve()) };
		assert.equal(await vscode.commands.executeCommand('sdrs.createDrill', g), 'refused');
		assert.match(alerts[0], /✗ Live status allows the action — status is reversing; it needs available or protected/);
		assert.equal(a.demo.running!.stats.byRoute['POST /v1/{id}/disaster-recovery-drills'] ?? 0, 0);
	});
});
