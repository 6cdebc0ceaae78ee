// `npm run demo`: opens a real VS Code with this extension and starts the built-in simulated SDRS
// by itself (a folder-open task resolves ${command:sdrs.startDemo}). Uses a local `code` when
// there is one (SDRS_DEMO_HOST=code forces it), otherwise code-server from the test harness,
// printing the URL to open. Stops with Ctrl+C, or by itself after SDRS_DEMO_HOURS (default 4).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../test/harness/provision.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const host = process.env.SDRS_DEMO_HOST ?? (spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0 ? 'code' : 'code-server');

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
	'# SDRS Explorer demo\n\nThe SDRS view on the left talks to a simulated SDRS running inside VS Code: nothing reaches Huawei Cloud.\nTry right-clicking `crm-web` (cn-north-4) → Enable Protection, or `payments-core` → Enable Protection Again.\n',
);

if (host === 'code') {
	console.log('[demo] opening VS Code (code --extensionDevelopmentPath)…');
	const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
	child.on('exit', (code) => process.exit(code ?? 0));
} else {
	const { startCodeServer } = await import('../test/harness/codeServer.mjs');
	const runDir = join(cacheRoot(), 'demo-run');
	mkdirSync(runDir, { recursive: true });
	console.log('[demo] no local `code`: starting code-server (the first run installs it, about 2 minutes)…');
	const server = await startCodeServer({
		runDir,
		folder: workspace,
		vsix: join(root, 'sdrs-explorer.vsix'),
		smokeTestDriver: false,
		port: Number(process.env.SDRS_DEMO_PORT ?? 0) || undefined,
		settings: { 'task.allowAutomaticTasks': 'on' },
	});
	const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
	console.log(`\n  SDRS Explorer demo: open ${url}\n  (listening on 127.0.0.1 only; Ctrl+C to stop)\n`);
	const hours = Number(process.env.SDRS_DEMO_HOURS ?? 4);
	const stop = async () => {
		await server.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	setTimeout(stop, hours * 3_600_000); // the code-server child's pipes keep the process alive until then
}
