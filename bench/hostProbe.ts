// Loaded by a real extension host as the "tests" of a benchmark run (SDRS_TESTS_PATH). Measures,
// from outside the extension, what activation costs a user: VS Code's require() of
// dist/extension.js, activate(), and the start-up work deferred after it (api.ready). With
// SDRS_BENCH_MEMORY=N it also measures the heap the real tree provider grows by when it holds a
// project of N groups. Writes its figures to $SDRS_BENCH_OUT.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
	// Each is timed twice: by the clock, and by this thread's CPU time (the work itself: while
	// VS Code starts, the browser, the server and this host share two cores, and the same require()
	// took 14 to 195 ms by the clock from one host to the next).
	const sdkStarted = performance.now();
	const sdkCpu = threadCpuMs();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require(join(ext.extensionPath, 'node_modules', '@huaweicloud', 'huaweicloud-sdk-core'));
	const sdkLoadCpuMs = threadCpuMs() - sdkCpu;
	const sdkLoadMs = performance.now() - sdkStarted;
	const bundle = join(ext.extensionPath, 'dist', 'extension.js');
	const started = performance.now();
	const loadCpu = threadCpuMs();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(bundle) as { activate(context: vscode.ExtensionContext): SdrsApi | undefined };
	const loadCpuMs = threadCpuMs() - loadCpu;
	const loaded = performance.now();
	// Our own activate(), timed from outside the product: VS Code requires the same cached module,
	// so the cache entry's exports are replaced by a copy whose activate() is timed.
	let ownActivateMs = NaN;
	let ownActivateCpuMs = NaN;
	const cached = require.cache[require.resolve(bundle)];
	if (!cached) {
		throw new Error('dist/extension.js is not in the require cache');
	}
	// The deferred start-up work runs in this process beside VS Code's own work and the built-in
	// extensions activating at the same moment (JSON, Git, …), so the process's CPU is not ours: a
	// sampling profile counts the time, after our activate() returns, whose stack runs through our
	// bundle (ours, and the VS Code API calls we make). It starts after both require()s (starting
	// it costs tens of milliseconds, in no timed window) and before VS Code activates us.
	const profiler = new Session();
	profiler.connect();
	const post = <T>(method: string, params?: object): Promise<T> => new Promise((ok, fail) => profiler.post(method, params ?? {}, (e, r) => (e ? fail(e) : ok(r as T))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 100 });
	const profileFromUs = Number(process.hrtime.bigint() / 1000n);
	await post('Profiler.start');
	let activateEndedUs = NaN;
	cached.exports = {
		...mod,
		activate: (context: vscode.ExtensionContext) => {
			const t = performance.now();
			const cpu = threadCpuMs();
			try {
				return mod.activate(context);
			} finally {
				ownActivateCpuMs = threadCpuMs() - cpu;
				ownActivateMs = performance.now() - t;
				activateEndedUs = Number(process.hrtime.bigint() / 1000n);
			}
		},
	};
	const activating = performance.now();
	const api = await ext.activate();
	const activated = performance.now();
	if (!api) {
		throw new Error('the extension returned no API: it gives it only outside Production mode (this host should load it as a development extension)');
	}
	const cpu = process.cpuUsage();
	await api.ready;
	const readyUs = Number(process.hrtime.bigint() / 1000n);
	const processCpu = process.cpuUsage(cpu);
	const ended = performance.now();
	const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
	profiler.disconnect();
	// V8's profile clock and process.hrtime() are both the monotonic clock, in µs here.
	if (Math.abs(profile.startTime - profileFromUs) > 100_000) {
		throw new Error(`the profile's clock (${profile.startTime} µs) is not process.hrtime()'s (${profileFromUs} µs): the deferred work cannot be told apart`);
	}
	// Only our bundle: the built-in extensions' bundles are dist/extension.js files too.
	const ours = new Set([bundle, pathToFileURL(bundle).href]);
	const deferredMs = msUnder(profile, activateEndedUs, readyUs, (url) => ours.has(url));
	if (!profile.nodes.some((n) => ours.has(n.callFrame.url))) {
		throw new Error(`no frame of ${bundle} in the profile: the deferred work cannot be told apart`);
	}
	const figures: Record<string, number> = {
		sdkLoadMs,
		activationMs: loaded - started + (ended - activating),
		loadMs: loaded - started,
		activateMs: activated - activating,
		readyMs: ended - activated,
		ownActivateMs,
		deferredMs,
		processCpuMs: (processCpu.user + processCpu.system) / 1000,
		ownMs: loaded - started + ownActivateMs + deferredMs,
		sdkLoadCpuMs,
		loadCpuMs,
		ownActivateCpuMs,
		ownCpuMs: loadCpuMs + ownActivateCpuMs + deferredMs,
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

/** This thread's CPU time in ms (Node 23.9 and later: code-server's host, which the bench uses). */
function threadCpuMs(): number {
	const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
	if (!usage) {
		throw new Error(`this extension host's Node ${process.version} has no process.threadCpuUsage()`);
	}
	return (usage.user + usage.system) / 1000;
}

interface CpuProfile {
	nodes: { id: number; callFrame: { url: string }; children?: number[] }[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

/** Milliseconds of a sampling profile, from `fromUs` to `toUs`, whose stack has a frame from a script `ours` accepts. */
function msUnder(profile: CpuProfile, fromUs: number, toUs: number, ours: (url: string) => boolean): number {
	const parent = new Map<number, number>();
	for (const n of profile.nodes) {
		for (const c of n.children ?? []) {
			parent.set(c, n.id);
		}
	}
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const under = new Map<number, boolean>();
	const isOurs = (id: number): boolean => {
		let known = under.get(id);
		if (known === undefined) {
			const p = parent.get(id);
			known = ours(byId.get(id)?.callFrame.url ?? '') || (p !== undefined && isOurs(p));
			under.set(id, known);
		}
		return known;
	};
	// A sample is taken at the start time plus the deltas so far; its time is the gap to the next.
	let at = profile.startTime;
	let us = 0;
	profile.samples.forEach((id, i) => {
		at += profile.timeDeltas[i];
		if (at >= fromUs && at <= toUs && isOurs(id)) {
			us += profile.timeDeltas[i + 1] ?? 0;
		}
	});
	return us / 1000;
}
