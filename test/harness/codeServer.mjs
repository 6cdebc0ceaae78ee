// Starts a real VS Code (code-server's workbench and Node extension host) on 127.0.0.1 with all
// of its files inside one run folder, and a headless Chromium to drive it. See
// ../shared/reference/real-vscode-testing.md for why each flag is here.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureChromium, provisionCodeServer } from './provision.mjs';

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function runCodeServer(host, args, env, { waitFor } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(host.node, [host.codeServer, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const onData = (d) => {
			out += d.toString();
			if (process.env.SDRS_TEST_VERBOSE) process.stderr.write(`[code-server] ${d}`);
			if (waitFor && out.includes(waitFor)) {
				resolve({ child, output: () => out });
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.once('error', reject);
		child.once('exit', (code) => {
			if (waitFor) reject(new Error(`code-server exited with ${code} before it was ready:\n${out.slice(-3000)}`));
			else resolve({ child, code, output: () => out });
		});
	});
}

/**
 * Starts code-server. Options: runDir (all state goes there), folder (workspace to open),
 * vsix (installed first), locale, settings (user settings.json object), workspaceTrust (the folder
 * opens untrusted, in Restricted Mode, with no question; otherwise trust is off), password (asked for by
 * the login page; without it, a random one). Every server is behind a password: anyone on this
 * machine can reach 127.0.0.1, and the workbench has a terminal. Browsers log in with logIn().
 * Returns { url, port, password, stop(), logs() }.
 */
export async function startCodeServer({
	runDir,
	folder,
	vsix,
	extraVsix = [],
	locale,
	settings = {},
	smokeTestDriver = true,
	port: wantedPort,
	password = randomBytes(18).toString('base64url'),
	extraArgs = [],
	workspaceTrust = false,
}) {
	const host = provisionCodeServer();
	const dirs = {
		userData: join(runDir, 'user-data'),
		extensions: join(runDir, 'extensions'),
		xdg: join(runDir, 'xdg'),
		tmp: join(runDir, 'tmp'),
	};
	for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
	mkdirSync(join(dirs.userData, 'User'), { recursive: true });
	writeFileSync(
		join(dirs.userData, 'User', 'settings.json'),
		JSON.stringify(
			{
				'workbench.startupEditor': 'none',
				'workbench.tips.enabled': false,
				'telemetry.telemetryLevel': 'off',
				'update.mode': 'none',
				'extensions.autoCheckUpdates': false,
				'extensions.autoUpdate': false,
				'security.workspace.trust.enabled': workspaceTrust,
				'security.workspace.trust.startupPrompt': 'never',
				'window.commandCenter': false,
				'chat.disableAIFeatures': true,
				'workbench.secondarySideBar.defaultVisibility': 'hidden',
				...settings,
			},
			null,
			2,
		),
	);
	if (locale) {
		writeFileSync(join(dirs.userData, 'User', 'argv.json'), JSON.stringify({ locale }));
	}
	const config = join(runDir, 'config.yaml');
	writeFileSync(config, 'auth: password\n');
	const env = {
		...process.env,
		XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
		XDG_DATA_HOME: join(dirs.xdg, 'data'),
		XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
		TMPDIR: dirs.tmp,
		NODE_COMPILE_CACHE: join(dirs.xdg, 'node-compile-cache'),
		PATH: `${join(host.node, '..')}:${process.env.PATH}`,
	};
	const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', config];
	for (const v of [vsix, ...extraVsix].filter(Boolean)) {
		const installed = await runCodeServer(host, [...common, '--install-extension', v], env);
		if (installed.code !== 0) throw new Error(`Installing ${v} failed:\n${installed.output()}`);
	}
	if (locale && locale !== 'en') writeLanguagePacks(dirs, locale);
	const port = wantedPort || (await freePort());
	const args = [
		...common,
		'--bind-addr',
		`127.0.0.1:${port}`,
		'--auth',
		'password',
		'--disable-telemetry',
		'--disable-update-check',
		...(workspaceTrust ? [] : ['--disable-workspace-trust']),
		'--disable-getting-started-override',
		'--ignore-last-opened',
	];
	// Needed for the test payload (extensionTestsPath) to be honoured; UI tests do without.
	if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
	if (locale) args.push('--locale', locale);
	args.push(...extraArgs, folder);
	// code-server reads the password from $PASSWORD (never from the command line, which other
	// local users can read in the process list).
	const { child, output } = await runCodeServer(host, args, { ...env, PASSWORD: password }, { waitFor: 'HTTP server listening on' });
	let stopped = false;
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		password,
		logs: output,
		async stop() {
			if (stopped) return;
			stopped = true;
			const exited = new Promise((r) => child.once('exit', r));
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				return;
			}
			const timer = setTimeout(() => {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* already gone */
				}
			}, 3000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/**
 * The server picks its display language from languagepacks.json, which it writes only when a
 * marketplace language pack is installed through its UI; point it at any installed pack that
 * contributes the locale (the tests' minimal fixture).
 */
function writeLanguagePacks(dirs, locale) {
	const packs = {};
	for (const name of readdirSync(dirs.extensions)) {
		const manifest = join(dirs.extensions, name, 'package.json');
		if (!existsSync(manifest)) continue;
		const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
		for (const l of pkg.contributes?.localizations ?? []) {
			if (l.languageId !== locale) continue;
			const translations = Object.fromEntries((l.translations ?? []).map((t) => [t.id, join(dirs.extensions, name, t.path)]));
			packs[locale] = {
				hash: `${pkg.publisher}.${pkg.name}-${pkg.version}`,
				extensions: [{ extensionIdentifier: { id: `${pkg.publisher}.${pkg.name}` }, version: pkg.version }],
				translations,
				label: l.localizedLanguageName ?? l.languageName,
			};
		}
	}
	writeFileSync(join(dirs.userData, 'languagepacks.json'), JSON.stringify(packs));
}

/**
 * Logs a browser context in, as the login page's form does (a POST of the password; code-server
 * answers with a session cookie and a redirect). Every page of the context is then let in.
 */
export async function logIn(context, server) {
	const res = await context.request.post(`${server.url}/login`, { form: { password: server.password }, maxRedirects: 0 });
	const cookies = await context.cookies(server.url);
	if (res.status() !== 302 || !cookies.some((c) => c.name === 'code-server-session')) {
		throw new Error(`logging in to code-server failed: HTTP ${res.status()}`);
	}
}

/** Headless Chromium (the system's) through playwright-core. */
export async function launchBrowser({ locale } = {}) {
	const { chromium } = await import('playwright-core');
	return chromium.launch({
		executablePath: ensureChromium(),
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			...(locale ? [`--lang=${locale}`] : []),
		],
	});
}

/** The workbench URL that makes the web workbench load a dev extension and run tests in its host. */
export function testPayloadUrl(server, { folder, extensionDevelopmentPaths = [], extensionTestsPath, env = {} }) {
	const authority = `127.0.0.1:${server.port}`;
	const payload = [
		...extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', `vscode-remote://${authority}${p}`]),
		...(extensionTestsPath ? [['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]] : []),
		['extensionEnvironment', JSON.stringify(env)],
		['skipWelcome', 'true'],
	];
	return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
