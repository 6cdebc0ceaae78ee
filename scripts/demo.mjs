// `npm run demo`: opens a real VS Code with this extension and starts the built-in simulated SDRS
// by itself (a folder-open task resolves ${command:sdrs.startDemo}). Uses a local `code` when
// there is one (SDRS_DEMO_HOST=code forces it); otherwise code-server from the test harness,
// installed on first use, behind a random password printed beside the URL to open. Stops with
// Ctrl+C, or by itself after SDRS_DEMO_HOURS (default 4).
//
// SDRS_DEMO_CHECK=1 is the smoke check CI runs: the code-server path as a new user gets it, then
// a headless Chromium logs in, waits until the demo profile lists its projects, prints them and
// exits 0 (1 on any failure, within SDRS_DEMO_CHECK_SECONDS, default 180).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../test/harness/provision.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.env.SDRS_DEMO_CHECK === '1';
const hasCode = () => spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
const host = check ? 'code-server' : (process.env.SDRS_DEMO_HOST ?? (hasCode() ? 'code' : 'code-server'));

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

console.log('[demo] building and packaging the extension…');
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const workspace = join(cacheRoot(), 'demo-workspace');
mkdirSync(join(workspace, '.vscode'), { recursive: true });
writeFileSync(
	join(workspace, '.vscode', 'tasks.json'),
	JSON.stringify(
		{
			version: '2.0.0',
			tasks: [
				{
					label: 'Start the SDRS demo',
					detail: 'Starts the simulated SDRS inside VS Code and opens the SDRS view.',
					type: 'shell',
					command: 'echo',
					args: ['SDRS demo started ${command:sdrs.startDemo}'],
					runOptions: { runOn: 'folderOpen' },
					presentation: { reveal: 'never', close: true },
				},
			],
		},
		null,
		2,
	),
);
writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'task.allowAutomaticTasks': 'on' }, null, 2));
writeFileSync(
	join(workspace, 'README.md'),
	'# SDRS Explorer demo\n\nThe SDRS view on the left talks to a simulated SDRS running inside VS Code: nothing reaches Huawei Cloud.\nTry right-clicking `crm-web` (cn-north-4) → Enable Protection, or `payments-core` → Enable Protection Again.\n\n`shop.sdrs-plan.json` is a recovery plan: the demo shop (la-south-2) moved tier by tier. Open it and use Check Plan above it (it reads everything and sends nothing).\n',
);
// The demo's recovery plan, beside the code it protects as in a real repository.
copyFileSync(join(root, 'docs', 'examples', 'shop.sdrs-plan.json'), join(workspace, 'shop.sdrs-plan.json'));

if (host === 'code') {
	console.log('[demo] opening VS Code (code --extensionDevelopmentPath)…');
	const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
	child.on('exit', (code) => process.exit(code ?? 0));
} else {
	await runOnCodeServer();
}

async function runOnCodeServer() {
	const { startCodeServer } = await import('../test/harness/codeServer.mjs');
	const runDir = join(cacheRoot(), 'demo-run');
	mkdirSync(runDir, { recursive: true });
	console.log('[demo] no local `code`: starting code-server in your browser (the first run installs it: about 2–3 minutes, 620 MB)…');
	// Anyone on this machine can reach 127.0.0.1: the workbench (terminal included) asks for a
	// password that only this terminal shows.
	const password = randomBytes(12).toString('base64url');
	const server = await startCodeServer({
		runDir,
		folder: workspace,
		vsix: join(root, 'sdrs-explorer.vsix'),
		smokeTestDriver: false,
		port: Number(process.env.SDRS_DEMO_PORT ?? 0) || undefined,
		settings: { 'task.allowAutomaticTasks': 'on' },
		password,
	});
	const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
	console.log(`\n  SDRS Explorer demo: open ${url}\n  password: ${password}\n  (listening on 127.0.0.1 only; Ctrl+C to stop)\n`);
	let stopping = false;
	const stop = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		await server.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => stop(0));
	process.on('SIGTERM', () => stop(0));
	if (check) {
		const code = await smokeCheck(url, password).then(
			() => 0,
			(e) => {
				console.error(`[demo-check] FAILED after ${elapsed()}: ${e?.message ?? e}`);
				console.error(`[demo-check] code-server log tail:\n${server.logs().slice(-3000)}`);
				return 1;
			},
		);
		await stop(code);
		return;
	}
	const hours = Number(process.env.SDRS_DEMO_HOURS ?? 4);
	setTimeout(() => stop(0), hours * 3_600_000); // the code-server child's pipes keep the process alive until then
}

/** What a user does first: open the URL, log in, see the demo profile's projects. */
async function smokeCheck(url, password) {
	const { launchBrowser } = await import('../test/harness/codeServer.mjs');
	const budget = Number(process.env.SDRS_DEMO_CHECK_SECONDS ?? 180) * 1000;
	const deadline = Date.now() + budget;
	const left = () => Math.max(1000, deadline - Date.now());
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		const res = await page.goto(url);
		console.log(`[demo-check] ${url.split('?')[0]} answered ${res?.status()} (${elapsed()})`);
		const login = page.locator('input[type=password]');
		await login.waitFor({ timeout: left() });
		await login.fill('not-the-password');
		await page.keyboard.press('Enter');
		await page.getByText(/incorrect password/i).waitFor({ timeout: left() });
		console.log('[demo-check] a wrong password is refused');
		await page.locator('input[type=password]').fill(password);
		await page.keyboard.press('Enter');
		await page.locator('.monaco-workbench').waitFor({ timeout: left() });
		console.log(`[demo-check] the workbench serves (${elapsed()})`);
		// The folder-open task starts the demo and focuses the SDRS view by itself.
		const projects = page.getByRole('treeitem', { name: /cn-north-4|ap-southeast-3/ });
		await projects.first().waitFor({ timeout: left() });
		const names = await projects.locator('.label-name').allInnerTexts();
		console.log(`[demo-check] the demo profile lists its projects: ${names.join(', ')} (${elapsed()})`);
	} finally {
		await browser.close().catch(() => {});
	}
}
