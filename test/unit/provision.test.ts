// The first-run provisioning of the test host and the demo: an npm started from inside
// `npm test` / `npm run demo` must not take the outer npm's variables as its own configuration
// (code-server's postinstall read Node 20 from the inherited user agent and refused to install).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cleanNpmEnv } from '../harness/provision.mjs';

describe('provisioning from inside npm scripts', () => {
	const outer: NodeJS.ProcessEnv = {
		...process.env,
		// What `npm run` exports, as seen by a script it started (values made up, shapes real).
		npm_config_user_agent: 'npm/0.0.1 node/v20.0.0 linux x64 workspaces/false',
		npm_config_nodedir: '/nowhere',
		npm_lifecycle_event: 'demo',
		npm_package_name: 'sdrs-explorer',
		npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
		npm_config_registry: 'https://registry.example.test/',
		INIT_CWD: '/somewhere',
	};
	const userAgent = (env: NodeJS.ProcessEnv) => execFileSync('npm', ['config', 'get', 'user-agent'], { env, encoding: 'utf8' }).trim();

	it('an inner npm given the outer environment takes its user agent as configuration (the bug this guards)', () => {
		assert.match(userAgent(outer), /^npm\/0\.0\.1 node\/v20\.0\.0/);
	});

	it('an inner npm given the cleaned environment describes itself', () => {
		const ua = userAgent(cleanNpmEnv(outer));
		assert.doesNotMatch(ua, /npm\/0\.0\.1/);
		// npm's own default: a template it fills in with the Node that runs it.
		assert.match(ua, /^npm\/\{npm-version\} node\/\{node-version\}/);
	});

	it('keeps how to reach the registry and drops what describes the outer npm', () => {
		const env = cleanNpmEnv(outer);
		assert.equal(env.npm_config_registry, 'https://registry.example.test/');
		for (const k of ['npm_config_user_agent', 'npm_config_nodedir', 'npm_lifecycle_event', 'npm_package_name', 'npm_execpath', 'INIT_CWD']) {
			assert.equal(env[k], undefined, k);
		}
		assert.equal(env.PATH, outer.PATH);
	});
});
