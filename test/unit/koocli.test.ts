import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SdrsError } from '../../src/core/errors';
import { MAX_CONFIG_BYTES, neutralizeName, parseKooCliConfig, type KooCliProfile } from '../../src/core/koocli';

const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../../../test/fixtures/koocli', name));
const profile = (p: { profiles: KooCliProfile[] }, name: string): KooCliProfile => {
	const found = p.profiles.find((x) => x.name === name);
	assert.ok(found, `profile ${name}`);
	return found;
};
const wrap = (profiles: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ authEncrypt: 'false', current: 'a', profiles, ...extra });

describe('KooCLI config.json', () => {
	it('reads a real-shaped file with keys in clear: modes, regions, project IDs, the agency, the current profile', () => {
		const r = parseKooCliConfig(fixture('config.json'));
		assert.equal(r.encrypted, false);
		assert.deepEqual(
			r.profiles.map((p) => [p.name, p.mode, p.current]),
			[
				['default', 'aksk', false],
				['dr-operator', 'assume-role', true],
				['session', 'temporary', false],
			],
		);
		const d = profile(r, 'default');
		assert.equal(d.region, 'cn-north-4');
		assert.equal(d.projectId, '0123456789abcdef0123456789abcdef');
		assert.deepEqual(d.keys, { accessKey: 'EXAMPLEAK00000000001', secretKey: 'ExampleSecretKeyForTestsOnly000000000001', securityToken: undefined });
		assert.equal(d.needsKeys, false);
		const a = profile(r, 'dr-operator');
		assert.deepEqual(a.agency, { domainId: undefined, domainName: 'dr-partner', agencyName: 'sdrs-dr-operator' });
		assert.equal(a.region, 'ap-southeast-3');
		assert.equal(a.domainId, 'f0e1d2c3b4a5968778695a4b3c2d1e0f');
		assert.equal(a.keys?.accessKey, 'EXAMPLEAK00000000002', 'the base keys the agency is assumed with');
		assert.equal(profile(r, 'session').keys?.securityToken, 'gQ1jbi1ub3J0aC00EXAMPLETOKEN');
		assert.deepEqual(
			r.unsupported.map((u) => [u.name, u.mode]),
			[
				['on-ecs', 'ecsAgency'],
				['sso', 'SSO'],
			],
		);
		assert.ok(r.unsupported.every((u) => u.why.length > 20));
		assert.deepEqual(r.warnings, []);
	});

	it('flags encrypted keys as to be typed in, keeping every other field', () => {
		const r = parseKooCliConfig(fixture('config-encrypted.json').toString('utf8'));
		assert.equal(r.encrypted, true);
		assert.equal(r.profiles.length, 3);
		for (const p of r.profiles) {
			assert.equal(p.keys, undefined, p.name);
			assert.equal(p.needsKeys, true);
		}
		assert.equal(profile(r, 'default').accessKeyHint, 'EXAMPLEAK00000000001', 'a readable access key is offered');
		assert.equal(profile(r, 'dr-operator').accessKeyHint, undefined, 'an encrypted one is not');
		assert.equal(profile(r, 'dr-operator').agency?.agencyName, 'sdrs-dr-operator');
		assert.equal(profile(r, 'session').mode, 'temporary');
		// Anything but "false" counts as encrypted, and so does a missing authEncrypt.
		assert.equal(parseKooCliConfig(JSON.stringify({ profiles: [] })).encrypted, true);
		assert.equal(parseKooCliConfig(JSON.stringify({ authEncrypt: 'False', profiles: [] })).encrypted, true);
	});

	it('refuses a huge file, a deeply nested one, one that is not JSON or has no profile list', () => {
		const isConfig = (e: unknown): boolean => e instanceof SdrsError && e.kind === 'config';
		const huge = wrap([{ name: 'a', mode: 'AKSK', filler: 'x'.repeat(MAX_CONFIG_BYTES) }]);
		assert.throws(() => parseKooCliConfig(huge), isConfig);
		assert.throws(() => parseKooCliConfig(Buffer.from(huge)), isConfig);
		const deep = `{"profiles":[],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
		assert.throws(
			() => parseKooCliConfig(deep),
			(e: unknown) => isConfig(e) && /nests deeper/.test((e as Error).message),
		);
		// Brackets inside strings are not nesting.
		assert.equal(parseKooCliConfig(wrap([{ name: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', mode: 'AKSK' }])).profiles.length, 1);
		for (const bad of ['', 'not json', '[]', 'null', '{"profiles": {}}', '{"profiles": "x"}', '{"current": "a"}']) {
			assert.throws(() => parseKooCliConfig(bad), isConfig, bad);
		}
		assert.equal(parseKooCliConfig('\ufeff{"profiles": []}').profiles.length, 0, 'a BOM is fine');
	});

	it('skips entries and fields of the wrong type or shape, and names them', () => {
		const r = parseKooCliConfig(
			wrap([
				'a string',
				null,
				[1, 2],
				{ mode: 'AKSK' },
				{ name: 42, mode: 'AKSK' },
				{ name: 'ok', mode: 'AKSK', region: 'cn-north-4; rm -rf /', projectId: { id: 'x' }, accessKeyId: ['AK'], secretAccessKey: 7, agencyName: 'x' },
				{ name: 'ok', mode: 'AKSK' },
				{ name: 'weird-keys', mode: 'AKSK', accessKeyId: 'AK WITH SPACE', secretAccessKey: 'sk\nnewline' },
				{ name: 'strange-mode', mode: 'Kerberos' },
				{ name: 'no-mode', accessKeyId: 'EXAMPLEAK00000000009', secretAccessKey: 'sk' },
			]),
		);
		assert.deepEqual(
			r.profiles.map((p) => p.name),
			['ok', 'weird-keys', 'no-mode'],
		);
		const ok = profile(r, 'ok');
		assert.equal(ok.region, undefined);
		assert.equal(ok.projectId, undefined);
		assert.equal(ok.agency, undefined);
		assert.equal(ok.needsKeys, true);
		assert.equal(profile(r, 'weird-keys').keys, undefined);
		assert.equal(profile(r, 'no-mode').mode, 'aksk', 'no mode is KooCLI’s default, AKSK');
		assert.deepEqual(r.unsupported, [{ name: 'strange-mode', mode: 'Kerberos', why: 'KooCLI does not document the mode “Kerberos”.' }]);
		assert.equal(r.warnings.filter((w) => /skipped/.test(w)).length, 6);
		assert.ok(r.warnings.some((w) => /region/.test(w)));
		assert.ok(r.warnings.some((w) => /agency/.test(w)));
	});

	it('drops __proto__, constructor and prototype keys anywhere, and pollutes nothing', () => {
		const text = `{"authEncrypt":"false","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"profiles":[{"name":"p","mode":"AKSK","__proto__":{"agencyName":"evil","agencyDomainName":"evil","region":"cn-north-4"},"accessKeyId":"EXAMPLEAK00000000001","secretAccessKey":"sk"}]}`;
		const r = parseKooCliConfig(text);
		const p = profile(r, 'p');
		assert.equal(p.agency, undefined, 'an inherited agency is not read');
		assert.equal(p.region, undefined);
		assert.equal(p.mode, 'aksk');
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
		assert.equal(Object.getPrototypeOf(r.profiles[0]), Object.prototype);
	});

	it('neutralises control, bidi and zero-width characters in names', () => {
		const r = parseKooCliConfig(
			wrap([
				{ name: 'prod\u202Egnp.exe\u202C', mode: 'AKSK' },
				{ name: 'line\r\nbreak\u0007', mode: 'AKSK', agencyName: 'op\u2066erator', agencyDomainName: 'part\u200bner' },
				{ name: '\u200b\u200e\u0000', mode: 'AKSK' },
				{ name: 'x'.repeat(500), mode: 'SSO\u202e' },
			]),
		);
		assert.deepEqual(
			r.profiles.map((p) => p.name),
			['prodgnp.exe', 'line break'],
		);
		assert.deepEqual(profile(r, 'line break').agency, { domainId: undefined, domainName: 'partner', agencyName: 'operator' });
		assert.equal(r.unsupported[0].name.length, 64);
		assert.equal(r.unsupported[0].mode, 'SSO');
		assert.ok(
			r.warnings.some((w) => /no name/.test(w)),
			'a name of only invisible characters is no name',
		);
		assert.equal(neutralizeName('a\u061cb\u2069c\ufeff'), 'abc');
	});

	it('reads at most 500 profiles and keeps the first of two with one name', () => {
		const many = Array.from({ length: 600 }, (_, i) => ({ name: `p${i}`, mode: 'AKSK' }));
		const r = parseKooCliConfig(wrap([{ name: 'p0', mode: 'SSO' }, ...many]));
		// 500 read, one of them a second "p0".
		assert.equal(r.profiles.length + r.unsupported.length, 499);
		assert.equal(r.unsupported[0].name, 'p0');
		assert.ok(r.warnings.some((w) => /first 500 of 601/.test(w)));
		assert.ok(r.warnings.some((w) => /second profile named “p0”/.test(w)));
	});
});
