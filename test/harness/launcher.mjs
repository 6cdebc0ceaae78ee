// Stands in for the VS Code executable that @vscode/test-electron's runTests spawns. It takes
// the same Electron-style arguments (--extensionDevelopmentPath=, --extensionTestsPath=, a
// folder), runs the suites in code-server's real extension host through headless Chromium, and
// exits with the test runner's code. Used where VS Code cannot be downloaded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, logIn, startCodeServer, testPayloadUrl } from './codeServer.mjs';

const TIMEOUT_MS = Number(process.env.SDRS_TEST_HOST_TIMEOUT_MS ?? 15 * 60_000);

function parseArgs(argv) {
	const out = { dev: [], tests: undefined, folder: undefined, locale: undefined };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
		const value = () => inline ?? argv[++i];
		if (flag === '--extensionDevelopmentPath') out.dev.push(resolve(value()));
		else if (flag === '--extensionTestsPath') out.tests = resolve(value());
		else if (flag === '--locale') out.locale = value();
		else if (!a.startsWith('-')) out.folder = resolve(a);
		// Electron-only switches (--no-sandbox, --disable-updates, ...) do not apply here.
	}
	return out;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (!args.tests) throw new Error('launcher: --extensionTestsPath is required');
	const runDir = mkdtempSync(join(process.env.SDRS_RUN_DIR ?? tmpdir(), 'sdrs-host-'));
	const folder = args.folder ?? join(runDir, 'workspace');
	const { mkdirSync } = await import('node:fs');
	mkdirSync(folder, { recursive: true });
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (k.startsWith('SDRS_')) env[k] = v;
	}
	const server = await startCodeServer({ runDir, folder, locale: args.locale });
	const browser = await launchBrowser({ locale: args.locale });
	let code = 1;
	try {
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await logIn(context, server);
		const page = await context.newPage();
		let resolveExit;
		const exited = new Promise((r) => (resolveExit = r));
		await page.exposeFunction('codeAutomationExit', (c) => resolveExit(Number(c)));
		await page.exposeFunction('codeAutomationLog', (_type, args) => {
			const text = Array.isArray(args) ? format(...args) : String(args);
			// The workbench's own complaints about the unreachable gallery are noise here.
			const noise =
				/ENOTFOUND|static\/out\/vs\/|^(Resolving connection|Resolved connection|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\])/;
			if (noise.test(text) && !process.env.SDRS_TEST_VERBOSE) return;
			process.stdout.write(text.endsWith('\n') ? text : text + '\n');
		});
		await page.goto(testPayloadUrl(server, { folder, extensionDevelopmentPaths: args.dev, extensionTestsPath: args.tests, env }));
		const timeout = new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT_MS));
		const result = await Promise.race([exited, timeout]);
		if (result === 'timeout') {
			console.error(`launcher: the tests did not finish within ${TIMEOUT_MS / 1000} s`);
			await page.screenshot({ path: join(runDir, 'timeout.png') }).catch(() => {});
			console.error(`launcher: code-server log tail:\n${server.logs().slice(-4000)}`);
			code = 1;
		} else {
			code = result;
		}
	} finally {
		await browser.close().catch(() => {});
		await server.stop();
		if (code === 0 && !process.env.SDRS_KEEP_RUN_DIR) rmSync(runDir, { recursive: true, force: true });
		else console.error(`launcher: run folder kept at ${runDir}`);
	}
	return code;
}

main().then(
	(code) => process.exit(code),
	(err) => {
		console.error(`launcher: ${err?.stack ?? err}`);
		process.exit(1);
	},
);
