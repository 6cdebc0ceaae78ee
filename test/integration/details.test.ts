// Inside a protection group: servers at both sites, replication pairs, drills, errors and retries.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MessageNode, Node } from '../../src/ui/views/groupsTree';
import { demoProjects, group, outcomeOf, waitFor, useExtension } from './support';
import type { SdrsApi } from '../../src/extension';

describe('inside a protection group, in a real VS Code', () => {
	let a: SdrsApi;
	useExtension((api) => (a = api));

	const children = async (n: Node): Promise<Node[]> => a.tree.getChildren(n);
	const section = async (name: string, kind: 'instances' | 'pairs' | 'drills', region = 'cn-north-4'): Promise<Node[]> => {
		const g = await group(a, name, region);
		const sections = await children(g);
		assert.deepEqual(
			sections.map((n) => (n.type === 'section' ? n.section : n.type)),
			['instances', 'pairs', 'drills'],
		);
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
		assert.deepEqual(
			none.map((n) => (n as MessageNode).label),
			['No DR drill yet.', 'No DR drills for this group.'],
		);
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
		await vscode.commands.executeCommand(
			'sdrs.copyId',
			again.find((n) => n.type === 'drill'),
		);
		assert.match(await vscode.env.clipboard.readText(), /^[0-9a-f-]{36}$/);
	});
});
