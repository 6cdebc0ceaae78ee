// Plan files in a real VS Code: the "SDRS plans" problems at the offending line (a schema error at
// once, an unknown group once the names are resolved against the demo), Check Plan's readiness
// report in an editor tab naming what blocks and the fix, the plan's words escaped in it, nothing
// sent; and the CodeLens offers Rehearse and Run only in a trusted workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SdrsApi } from '../../src/extension';
import { planLensCommands } from '../../src/ui/planFiles';
import { previewTabOf, waitFor, useExtension } from './support';

const folder = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;

/** Writes a plan file into the test workspace and opens it in an editor. */
async function openPlan(name: string, lines: string[]): Promise<vscode.TextDocument> {
	const uri = vscode.Uri.joinPath(folder(), name);
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(lines.join('\n')));
	const doc = await vscode.workspace.openTextDocument(uri);
	await vscode.window.showTextDocument(doc);
	return doc;
}

const sdrsProblems = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'SDRS');
/** Which line (0-based) of `lines` holds `text`. */
const lineOf = (lines: string[], text: string): number => lines.findIndex((l) => l.includes(text));

describe('plan files: problems, Check Plan and the CodeLens', () => {
	let a: SdrsApi;
	useExtension((api) => (a = api));
	afterEach(async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
	});

	const shop = (groups: string[], extra: string[] = []): string[] => [
		'{',
		'  "name": "Shop: move to the DR site",',
		'  "profile": "Demo (simulated)",',
		'  "project": "la-south-2",',
		...extra,
		'  "steps": [',
		`    { "name": "Databases", "groups": [${groups.map((g) => JSON.stringify(g)).join(', ')}] },`,
		'    { "prompt": "Confirm the databases are consistent, then continue." },',
		'    { "name": "Web", "groups": ["shop-web-1"] }',
		'  ]',
		'}',
	];

	it('a schema error is a problem on its line at once, and goes when it is fixed', async () => {
		const lines = shop(['shop-db-1'], ['  "endpoint": "https://evil.example",']);
		const doc = await openPlan('schema-error.sdrs-plan.json', lines);
		await a.planFiles.settled(doc.uri);
		const problems = await waitFor('the problem', () => sdrsProblems(doc.uri).find((d) => d.code === 'unknownField'));
		assert.equal(problems.range.start.line, lineOf(lines, '"endpoint"'));
		assert.equal(doc.getText(problems.range).includes('endpoint'), true, 'the range is the offending property');
		assert.equal(problems.severity, vscode.DiagnosticSeverity.Error);
		assert.match(problems.message, /“endpoint” is not part of a plan/);
		// VS Code's own JSON validation reads the contributed schema too.
		await waitFor('the schema problem from VS Code', () => vscode.languages.getDiagnostics(doc.uri).find((d) => d.source !== 'SDRS' && d.range.start.line === problems.range.start.line), 30_000);
		// Fixing it (an edit, debounced) removes the problem.
		const edit = new vscode.WorkspaceEdit();
		edit.delete(doc.uri, doc.lineAt(problems.range.start.line).rangeIncludingLineBreak);
		assert.ok(await vscode.workspace.applyEdit(edit));
		await waitFor('the problem gone', async () => {
			await a.planFiles.settled(doc.uri);
			return !sdrsProblems(doc.uri).some((d) => d.code === 'unknownField') || undefined;
		});
	});

	it('an unknown group is a problem on its line once the names are resolved against the demo', async () => {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const lines = shop(['shop-db-1', 'shop-db-9']);
		const doc = await openPlan('unknown-group.sdrs-plan.json', lines);
		const problem = await waitFor('the unknown group', async () => {
			await a.planFiles.settled(doc.uri);
			return sdrsProblems(doc.uri).find((d) => d.code === 'unknownGroup');
		});
		assert.equal(problem.range.start.line, lineOf(lines, 'shop-db-9'));
		assert.match(doc.getText(problem.range), /shop-db-9/);
		assert.match(problem.message, /shop-db-9/);
		assert.deepEqual(
			sdrsProblems(doc.uri).map((d) => d.code),
			['unknownGroup'],
			'shop-db-1 and shop-web-1 are found',
		);
		assert.deepEqual(a.demo.running!.stats.actionPosts, {}, 'resolving sends nothing');
	});

	it('Check Plan opens the readiness report: what each mode would do, what blocks it and the fix; the plan’s words as text; nothing sent', async () => {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const lines = shop(['shop-db-1', 'dr-switchover-blocked']);
		lines[1] = '  "name": "Shop [click](command:sdrs.removeProfile) <b>now</b>",';
		const doc = await openPlan('check.sdrs-plan.json', lines);
		const report = await vscode.commands.executeCommand<vscode.TextDocument>('sdrs.checkPlan', doc.uri);
		assert.ok(report, 'a report');
		assert.equal(report.languageId, 'markdown');
		await waitFor('the report rendered in the active tab', () => previewTabOf(report, true));
		const raw = report.getText();
		// The report's Markdown: what it says, read without its escapes.
		const text = raw.replace(/\\([\\`*_{}[\]()#+!|<>~])/g, '$1');
		assert.match(text, /Readiness of the plan/);
		assert.match(text, /\| Planned Failover \(Switchover\) \| ✗ no \| 2 of 3 \|/);
		assert.match(text, /\| Enable Protection Again \| ✗ no \| 0 of 3 \|/);
		assert.match(text, /Step 1: Databases \(2 protection groups\)/);
		assert.match(text, /Step 2: a question for a person/);
		assert.match(text, /#### dr-switchover-blocked/);
		assert.match(text, /running in la-south-2a: dr-switchover-blocked-vm1 \(ACTIVE\)/);
		assert.match(text, /Fix: Stop these servers in the ECS console and wait until they show Stopped: dr-switchover-blocked-vm1/);
		assert.match(text, /Its status allows now: Disable Protection, Planned Failover \(Switchover\), Failover, Start DR Drill/);
		assert.ok(!raw.includes('](command:'), 'no link from the plan’s words');
		assert.ok(!raw.includes('<b>'), 'no HTML from the plan’s words');
		assert.match(raw, /Shop \\\[click\\\]\\\(command:sdrs\.removeProfile\\\) \\<b\\>now\\<\/b\\>/);
		assert.deepEqual(a.demo.running!.stats.actionPosts, {}, 'Check Plan sends nothing');
	});

	it('each report opens read-only with its own text, even right after another one was closed', async () => {
		await vscode.commands.executeCommand('sdrs.startDemo');
		const first = shop(['shop-db-1']);
		first[1] = '  "name": "First plan",';
		const second = shop(['shop-db-2']);
		second[1] = '  "name": "Second plan",';
		const one = await vscode.commands.executeCommand<vscode.TextDocument>('sdrs.checkPlan', (await openPlan('first.sdrs-plan.json', first)).uri);
		assert.match(one.getText(), /First plan/);
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		// An untitled report here was handed the closed one's name and text (the next run's report
		// showed the previous run's).
		const two = await vscode.commands.executeCommand<vscode.TextDocument>('sdrs.checkPlan', (await openPlan('second.sdrs-plan.json', second)).uri);
		assert.notEqual(two.uri.toString(), one.uri.toString());
		assert.match(two.getText(), /Second plan/);
		assert.doesNotMatch(two.getText(), /First plan/);
		assert.equal(two.uri.scheme, 'sdrs-report', 'a read-only document of its own: closing it asks nothing');
		await waitFor('the second report rendered in the active tab', () => previewTabOf(two, true));
	});

	it('Check Plan of a plan with problems opens no report and shows them', async () => {
		const lines = shop(['shop-db-1']);
		lines[3] = '  "project": "",';
		const doc = await openPlan('broken.sdrs-plan.json', lines);
		const before = vscode.workspace.textDocuments.length;
		// Reports are read-only documents that outlive their closed tabs for a while: none may be new.
		const reportsBefore = new Set(vscode.workspace.textDocuments.filter((d) => d.languageId === 'markdown').map((d) => d.uri.toString()));
		assert.equal(await vscode.commands.executeCommand('sdrs.checkPlan', doc.uri), undefined);
		assert.deepEqual(
			vscode.workspace.textDocuments.filter((d) => d.languageId === 'markdown' && !reportsBefore.has(d.uri.toString())).map((d) => d.uri.toString()),
			[],
			'no report was opened',
		);
		assert.ok(vscode.workspace.textDocuments.length <= before);
		assert.ok(sdrsProblems(doc.uri).some((d) => d.range.start.line === 3));
	});

	it('the CodeLens offers Check everywhere, Rehearse and Run only in a trusted workspace', async () => {
		const both = new Set(['sdrs.drillPlan', 'sdrs.runPlan']);
		assert.deepEqual(
			planLensCommands(false, both).map((l) => l.command),
			['sdrs.checkPlan'],
		);
		assert.deepEqual(
			planLensCommands(true, both).map((l) => [l.command, l.title]),
			[
				['sdrs.checkPlan', 'Check Plan'],
				['sdrs.drillPlan', 'Rehearse Plan (DR Drills)'],
				['sdrs.runPlan', 'Run Plan…'],
			],
		);
		const doc = await openPlan('lens.sdrs-plan.json', shop(['shop-db-1']));
		const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
		const ours = lenses.filter((l) => l.command?.command.startsWith('sdrs.'));
		assert.equal(ours[0].command?.command, 'sdrs.checkPlan');
		assert.equal(ours[0].command?.title, 'Check Plan');
		assert.equal((ours[0].command?.arguments?.[0] as vscode.Uri).toString(), doc.uri.toString());
		// The menus: Check Plan for plan files in the explorer and the editor; Run and Rehearse need trust.
		const menus = (vscode.extensions.getExtension('sdrs-explorer.sdrs-explorer')!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus;
		for (const where of ['explorer/context', 'editor/title', 'editor/context']) {
			const check = menus[where].find((m) => m.command === 'sdrs.checkPlan');
			assert.match(check?.when ?? '', /resourceFilename =~ \/\\\.sdrs-plan\\\.json\$\//, where);
			assert.ok(!/isWorkspaceTrusted/.test(check?.when ?? ''), `${where}: Check Plan works in a restricted workspace`);
			for (const run of menus[where].filter((m) => m.command === 'sdrs.runPlan' || m.command === 'sdrs.drillPlan')) {
				assert.match(run.when ?? '', /\bisWorkspaceTrusted\b/, `${where}: ${run.command} needs trust`);
			}
		}
	});
});
