// The extension in a real VS Code: activation, the manifest, the tree and what it shows, the
// explorer's filters, pickers and Jobs view, the walkthrough.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MessageNode } from '../../src/ui/views/groupsTree';
import { demoProjects, group, groupsOf, outcomeOf, waitFor, EXTENSION_ID, useExtension } from './support';
import type { SdrsApi } from '../../src/extension';

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
	useExtension((api) => (a = api));

	it('activates, and its deferred start-up work (context keys, filters, resuming jobs) completes without error', async () => {
		assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
		await a.ready; // rejects if any part of it failed
	});

	it('the loaded bundle takes the vscode API object once, not a copy per file (each copy cost activation 1-4 ms)', () => {
		const bundle = readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'extension.js'), 'utf8');
		assert.equal(bundle.match(/require\(["']vscode["']\)/g)?.length, 1, 'require("vscode") appears once in dist/extension.js');
	});

	it('registers every contributed command, and contributes every registered one', async () => {
		const contributed = manifest()
			.contributes.commands.map((c) => c.command)
			.sort();
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
		const expected = sim
			.groups(groups[0].project.id)
			.map((g) => g.name)
			.sort();
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
		assert.ok(
			all.some((g) => g.group.status === 'available' && g.group.replicationNum === 0),
			'the seed has a group the rule refuses (hr-portal)',
		);
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

	it('ships a complete Simplified Chinese bundle for the manifest', () => {
		const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
		const en = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
		const zh = JSON.parse(readFileSync(join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
		assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
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
			assert.deepEqual(
				a.profiles.list().map((p) => a.filters.get(p.id)),
				a.profiles.list().map(() => ({})),
				'no profile has a filter',
			);
			assert.equal(a.filters.description(), undefined);
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
			for (const expected of [
				/### SDRS: Enable Protection — crm-web/,
				/\| Profile \| Demo \\\(simulated\\\) \|/,
				/\| Account \| sdrs-demo \\\([0-9a-f]{32}\\\) \|/,
				/\| Region \| cn-north-4 \\\(CN North-Beijing4\\\) \|/,
				new RegExp(`\\| Job ID \\| ${job.jobId} \\|`),
				/\| Outcome \| succeeded \|/,
				/\| Ended \| 20\d\d-/,
			]) {
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
			assert.deepEqual(
				steps.map((s) => s.id),
				['tryDemo', 'connect', 'enable', 'batch', 'drLoop'],
			);
			for (const step of steps) {
				assert.ok(existsSync(join(ext.extensionPath, step.media.image)), `${step.id}: ${step.media.image} is packaged`);
				for (const event of step.completionEvents) {
					const key = /^onContext:(.+)$/.exec(event)?.[1];
					assert.ok(key, `${step.id}: ${event} is a context event`);
					// The running extension's own code sets the key (a renamed key would leave the step open forever).
					// Every key is set through the one owner of context keys (setContextKey, ui/services/contextKeys.ts).
					assert.match(bundle, new RegExp(`setContextKey\\)?\\(\\s*["']${key.replace(/\./g, '\\.')}["']`), `${step.id}: nothing sets ${key}`);
				}
			}
		});
	});
});
