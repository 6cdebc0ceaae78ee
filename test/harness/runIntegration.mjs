// Runs the extension-host suites (out/test/integration) in a real VS Code through
// @vscode/test-electron's runTests. Where VS Code can be downloaded (a laptop, public CI) it is
// the normal Electron build; where it cannot (these machines), the same runTests call is given a
// launcher that runs the suites in code-server's extension host through headless Chromium.
// SDRS_VSCODE_HOST=electron|code-server forces one; the default "auto" tries the download first.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from './provision.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const mode = process.env.SDRS_VSCODE_HOST ?? 'auto';
const extensionDevelopmentPath = root;
// SDRS_TESTS_PATH lets the benchmark run its activation probe through the same host.
const extensionTestsPath = process.env.SDRS_TESTS_PATH ?? join(root, 'out/test/integration/index.js');
const workspace = join(root, 'out/test/workspace');
mkdirSync(workspace, { recursive: true });

async function pickExecutable() {
	if (mode === 'code-server') return { path: join(root, 'test/harness/launcher.sh'), kind: 'code-server' };
	if (mode !== 'auto' && mode !== 'electron') throw new Error(`SDRS_VSCODE_HOST must be auto, electron or code-server, not ${mode}`);
	try {
		return { path: await downloadAndUnzipVSCode({ version: process.env.SDRS_VSCODE_VERSION ?? 'stable', timeout: 20_000 }), kind: 'electron' };
	} catch (e) {
		if (mode === 'electron') throw e;
		console.log(`[integration] VS Code download unavailable (${String(e.message ?? e).split('\n')[0]}); using code-server + Chromium.`);
		provision(); // fail loudly here if the host cannot be provisioned
		return { path: join(root, 'test/harness/launcher.sh'), kind: 'code-server' };
	}
}

const exe = await pickExecutable();
console.log(`[integration] running in ${exe.kind}`);
const started = Date.now();
try {
	const code = await runTests({
		vscodeExecutablePath: exe.path,
		extensionDevelopmentPath,
		extensionTestsPath,
		launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
		extensionTestsEnv: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SDRS_'))),
	});
	console.log(`[integration] finished in ${((Date.now() - started) / 1000).toFixed(1)} s with exit code ${code}`);
	process.exit(code);
} catch (e) {
	console.error(`[integration] failed: ${e?.message ?? e}`);
	process.exit(1);
}
