// Builds the extension (dist/extension.js), the simulator bundles loaded only for the demo and the
// CLI (dist/simulator.js, dist/simulatorCli.js), and with --tests the test bundles (out/test/**).
// Flags: --production (minify, no sourcemaps), --watch, --tests, --quiet.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const quiet = process.argv.includes('--quiet');

/** @type {import('esbuild').Plugin} */
const problemMatcher = {
	name: 'esbuild-problem-matcher',
	setup(build) {
		build.onStart(() => {
			if (watch) console.log('[watch] build started');
		});
		build.onEnd((result) => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
			}
			if (watch) console.log('[watch] build finished');
		});
	},
};

/**
 * fetch-blob (a node-fetch dependency) falls back to web-streams-polyfill only when Node has no
 * `node:stream/web`; every Node that runs VS Code has it, so the 60 KB polyfill is left out.
 * @type {import('esbuild').Plugin}
 */
const noStreamsPolyfill = {
	name: 'no-web-streams-polyfill',
	setup(build) {
		build.onResolve({ filter: /^web-streams-polyfill/ }, (args) => ({ path: args.path, namespace: 'empty' }));
		build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
	},
};

/**
 * node-fetch reaches its multipart parser only from Response.formData(), which the extension never
 * calls (core/http.ts reads bodies as a stream); the 4 KB parser is left out of the extension's
 * bundle, and a formData() on a multipart answer would say so instead of parsing.
 * @type {import('esbuild').Plugin}
 */
const noMultipartParser = {
	name: 'no-multipart-parser',
	setup(build) {
		build.onResolve({ filter: /^\.\/utils\/multipart-parser\.js$/ }, (args) => (/[\\/]node-fetch[\\/]/.test(args.importer) ? { path: args.path, namespace: 'no-multipart' } : undefined));
		build.onLoad({ filter: /.*/, namespace: 'no-multipart' }, () => ({
			contents: "export function toFormData() { throw new Error('Response.formData() of a multipart body is not bundled in SDRS Explorer'); }",
			loader: 'js',
		}));
	},
};

/**
 * `import * as vscode from 'vscode'` in each of 37 files would make each its own copy of the whole
 * API object (esbuild's __toESM defines its ~350 properties one by one), which in a real extension
 * host cost 40-80 ms of CPU of the bundle's load on this project's 2-core machine. Every file's
 * import resolves here instead, to one module that re-exports the API once.
 * @type {import('esbuild').Plugin}
 */
const oneVscodeNamespace = {
	name: 'one-vscode-namespace',
	setup(build) {
		build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'one-vscode' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'one-vscode' }));
		build.onLoad({ filter: /.*/, namespace: 'one-vscode' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
	},
};

const common = {
	bundle: true,
	format: 'cjs',
	platform: 'node',
	target: 'node20',
	sourcemap: !production,
	sourcesContent: false,
	minify: production,
	// Text as UTF-8 (VS Code and Node read the bundle as UTF-8): “, ’ and … take 3 bytes, not 6.
	charset: 'utf8',
	logLevel: quiet ? 'warning' : 'info',
	plugins: [problemMatcher, noStreamsPolyfill],
};

const testFiles = (dir) =>
	readdirSync(dir)
		.filter((f) => f.endsWith('.ts'))
		.map((f) => join(dir, f));

const builds = [
	{ ...common, plugins: [...common.plugins, noMultipartParser, oneVscodeNamespace], entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
	{ ...common, entryPoints: { simulator: 'src/simulator/simulator.ts', simulatorCli: 'src/simulator/cli.ts' }, outdir: 'dist', external: ['vscode'] },
];
if (tests) {
	rmSync('out', { recursive: true, force: true });
	const external = ['vscode', 'mocha', '@huaweicloud/huaweicloud-sdk-core', 'playwright-core', '@vscode/test-electron', 'eslint', 'typescript-eslint'];
	builds.push(
		{ ...common, sourcemap: true, minify: false, entryPoints: testFiles('test/unit'), outdir: 'out/test/unit', external },
		{ ...common, sourcemap: true, minify: false, entryPoints: testFiles('test/integration'), outdir: 'out/test/integration', external },
		{ ...common, sourcemap: true, minify: false, entryPoints: testFiles('test/ui'), outdir: 'out/test/ui', external },
		{ ...common, sourcemap: true, minify: false, entryPoints: testFiles('bench'), outdir: 'out/bench', external },
		{ ...common, sourcemap: true, minify: false, entryPoints: testFiles('test/chaos'), outdir: 'out/test/chaos', external },
	);
}

if (watch) {
	const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
	await Promise.all(contexts.map((c) => c.watch()));
} else {
	await Promise.all(builds.map((b) => esbuild.build(b)));
}
