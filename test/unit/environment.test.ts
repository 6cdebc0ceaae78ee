// Keys imported from the environment, and the variables that would carry the keys' requests.
import * as assert from 'node:assert/strict';
import { checkImportedKeys, requestRoutingVariables } from '../../src/core/environment';

describe('keys and requests from the environment (remote windows, dev containers)', () => {
	const good = { accessKey: 'SIMDEMOAK0000000SDRS', secretKey: 'SimulatorDemoSecretKeyNotARealKey0000000' };

	it('takes a well-formed access key, secret key and security token', () => {
		assert.equal(checkImportedKeys(good), undefined);
		assert.equal(checkImportedKeys({ ...good, securityToken: 'gQpjbi1ub3J0aC00-Ab_c+d/e=' }), undefined);
		assert.equal(checkImportedKeys({ ...good, securityToken: '' }), undefined, 'no token: permanent keys');
	});

	it('refuses a value with a line break, a space, a tab or a control character, naming the variable', () => {
		for (const [field, variable] of [
			['accessKey', 'HUAWEICLOUD_SDK_AK'],
			['secretKey', 'HUAWEICLOUD_SDK_SK'],
			['securityToken', 'HUAWEICLOUD_SDK_SECURITY_TOKEN'],
		] as const) {
			const base = { ...good, securityToken: 'gQpjbi1ub3J0aC00TokenValue' };
			for (const bad of [`${base[field]}\n`, ` ${base[field]}`, `${base[field].slice(0, 8)}\t${base[field].slice(8)}`, `${base[field]}\u0000`, `${base[field]}\u001b[0m`, `\ufeff${base[field]}`]) {
				assert.deepEqual(checkImportedKeys({ ...base, [field]: bad }), { variable, reason: 'spaceOrControl' }, JSON.stringify(bad));
			}
		}
	});

	it('refuses an access key that is not 16 to 64 capital letters and digits, and a secret key of the wrong length', () => {
		for (const ak of ['short1', 'simdemoak0000000sdrs', 'SIMDEMOAK-000000SDRS', '"SIMDEMOAK0000000SDRS"', 'A'.repeat(65)]) {
			assert.deepEqual(checkImportedKeys({ ...good, accessKey: ak }), { variable: 'HUAWEICLOUD_SDK_AK', reason: 'format' }, ak);
		}
		for (const sk of ['tooShortSecret', 'x'.repeat(129), 'ключ'.repeat(10)]) {
			assert.deepEqual(checkImportedKeys({ ...good, secretKey: sk }), { variable: 'HUAWEICLOUD_SDK_SK', reason: 'format' }, sk);
		}
		assert.deepEqual(checkImportedKeys({ ...good, secretKey: '' }), { variable: 'HUAWEICLOUD_SDK_SK', reason: 'missing' });
		assert.deepEqual(checkImportedKeys({ ...good, securityToken: 'short' }), { variable: 'HUAWEICLOUD_SDK_SECURITY_TOKEN', reason: 'format' });
	});

	it('names the proxy and certificate variables that would carry the keys’ requests, never their values', () => {
		const env = {
			HTTPS_PROXY: 'http://user:proxy-password@proxy.example:3128',
			http_proxy: 'http://proxy.example:3128',
			NODE_EXTRA_CA_CERTS: '/etc/ssl/corp-ca.pem',
			NODE_TLS_REJECT_UNAUTHORIZED: '0',
			NODE_OPTIONS: '--max-old-space-size=4096 --require /tmp/hook.js',
			NO_PROXY: 'localhost',
			PATH: '/usr/bin',
		};
		const names = requestRoutingVariables(env);
		assert.deepEqual(names, ['HTTPS_PROXY', 'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS', 'NODE_TLS_REJECT_UNAUTHORIZED', 'http_proxy']);
		assert.ok(!names.join(' ').includes('proxy-password'));
	});

	it('says nothing for an ordinary environment: TLS checks on, memory options, empty proxies, OpenSSL paths Node does not read', () => {
		assert.deepEqual(
			requestRoutingVariables({ NODE_TLS_REJECT_UNAUTHORIZED: '1', NODE_OPTIONS: '--max-old-space-size=4096', HTTPS_PROXY: ' ', SSL_CERT_FILE: '/etc/ssl/cert.pem', PATH: '/usr/bin' }),
			[],
		);
	});
});
