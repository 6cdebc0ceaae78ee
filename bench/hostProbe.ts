// Loaded by a real extension host as the "tests" of a benchmark run (SDRS_TESTS_PATH). Measures,
// from outside the extension, what activation costs a user: VS Code's require() of
// dist/extension.js, activate(), and the start-up work deferred after it (api.ready). With
// SDRS_BENCH_MEMORY=N it also measures the heap the real tree provider grows by when it holds a
// project of N groups. Writes its figures to $SDRS_BENCH_OUT.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { SdrsApi } from '../src/extension';
import type { Node, ProjectNode } from '../src/ui/views/groupsTree';

export async function run(): Promise<void> {
	const out = process.env.SDRS_BENCH_OUT;
	if (!out) {
		throw new Error('SDRS_BENCH_OUT is not set');
	}
	const ext = vscode.extensions.getExtension<SdrsApi | undefined>('sdrs-explorer.sdrs-explorer');
	if (!ext) {
		throw new Error('extension not found');
	}
	if (ext.isActive) {
		throw new Error('the extension was already active: activation cannot be measured in this host');
	}
	// The same require() VS Code does when it activates the extension (it then finds the module in
	// the cache), timed on its own, so the figures say where the time goes.
	// The reference in the same host at the same moment: require() of the official SDK core.
	const sdkStarted = performance.now();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require(join(ext.extensionPath, 'node_modules', '@huaweicloud', 'huaweicloud-sdk-core'));
	const sdkLoadMs = performance.now() - sdkStarted;
	const bundle = join(ext.extensionPath, 'dist', 'extension.js');
	const started = performance.now();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(bundle) as { activate(context: vscode.ExtensionContext): SdrsApi | undefined };
	const loaded = performance.now();
	// Our own activate(), timed from outside the product: VS Code requires the same cached module,
	// so the cache entry's exports are replaced by a copy whose activate() is timed.
	let ownActivateMs = NaN;
	const cached = require.cache[require.resolve(bundle)];
	if (!cached) {
		throw new Error('dist/extension.js is not in the require cache');
	}
	cached.exports = {
		...mod,
		activate: (context: vscode.ExtensionContext) => {
			const t = performance.now();
			try {
				return mod.activate(context);
			} finally {
				ownActivateMs = performance.now() - t;
			}
		},
	};
	const api = await ext.activate();
	const activated = performance.now();
	if (!api) {
		throw new Error('the extension returned no API: it gives it only outside Production mode (this host should load it as a development extension)');
	}
	// The deferred start-up work: the CPU this process spends until it is done (its wall time also
	// waits for VS Code to apply context keys, which is VS Code's work, not ours).
	const cpu = process.cpuUsage();
	await api.ready;
	const deferred = process.cpuUsage(cpu);
	const ended = performance.now();
	const deferredCpuMs = (deferred.user + deferred.system) / 1000;
	const figures: Record<string, number> = {
		sdkLoadMs,
		activationMs: ended - started,
		loadMs: loaded - started,
		activateMs: activated - loaded,
		readyMs: ended - activated,
		ownActivateMs,
		deferredCpuMs,
		ownMs: loaded - started + ownActivateMs + deferredCpuMs,
	};

	const groups = Number(process.env.SDRS_BENCH_MEMORY ?? 0);
	if (groups > 0) {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		await vscode.commands.executeCommand('sdrs.startDemo');
		const sim = api.demo.running;
		if (!sim) {
			throw new Error('the demo simulator did not start');
		}
		const projectId = sim.addProject('cn-south-1');
		sim.bulkAddGroups(projectId, groups);
		api.tree.refresh();
		const roots: Node[] = await api.tree.getChildren();
		const project = roots.find((n): n is ProjectNode => n.type === 'project' && n.project.id === projectId);
		if (!project) {
			throw new Error('the bench project is not in the tree');
		}
		gc();
		const before = process.memoryUsage().heapUsed;
		const held = await api.tree.getChildren(project);
		gc();
		figures.heapGrowthBytes = process.memoryUsage().heapUsed - before;
		figures.nodes = held.length;
		if (held.length < groups) {
			throw new Error(`the tree holds ${held.length} nodes, expected ${groups}`);
		}
	}
	writeFileSync(out, JSON.stringify({ ...figures, vscode: vscode.version }));
}
