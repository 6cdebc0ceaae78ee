import * as assert from 'node:assert/strict';
import { byteCompare, canonicalQuery, canonicalRequest, canonicalUri, formatSdkDate, parseQuery, sha256Hex, signatureFor, signRequest } from '../../src/core/signer';

// The official SDK is a devDependency used only here, to cross-check our signatures.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
	AKSKSigner: { sign(req: unknown, cred: { getAk(): string; getSk(): string }): Record<string, string> };
};

describe('signer', () => {
	it('reproduces the official signing-guide vector (sdrs-api.md §5.1.4 a)', () => {
		const headers = signRequest(
			{
				method: 'GET',
				url: 'https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
				headers: { 'Content-Type': 'application/json' },
			},
			{ accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' },
			new Date(Date.UTC(2019, 10, 15, 3, 36, 55)),
		);
		assert.equal(
			headers.Authorization,
			'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
		);
		assert.equal(headers.Host, 'service.region.example.com');
		assert.equal(headers['X-Sdk-Date'], '20191115T033655Z');
		const canonical = canonicalRequest(
			'GET',
			'/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
			'?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
			{ 'content-type': 'application/json', host: 'service.region.example.com', 'x-sdk-date': '20191115T033655Z' },
			['content-type', 'host', 'x-sdk-date'],
			sha256Hex(''),
		);
		assert.equal(sha256Hex(canonical), 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a');
	});

	it('reproduces the computed SDRS examples (§5.1.4 b): the action POST and a list GET', () => {
		const creds = { accessKey: 'AKEXAMPLE0000000000', secretKey: 'SKEXAMPLE0000000000000000000000000000000' };
		const now = new Date(Date.UTC(2025, 0, 1));
		const base = 'https://sdrs.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef';
		const post = signRequest(
			{
				method: 'POST',
				url: `${base}/server-groups/40df180b-9fe2-471a-8c64-1b758dc84189/action`,
				headers: { 'Content-Type': 'application/json;charset=UTF-8', 'X-Project-Id': '0123456789abcdef0123456789abcdef' },
				body: '{"start-server-group":{}}',
			},
			creds,
			now,
		);
		assert.match(post.Authorization, /SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=b6caa83c383f1d79dfface83a099c0bb825e031a31e7269fca4e90cb0fb72a72$/);
		const get = signRequest({ method: 'GET', url: `${base}/server-groups?limit=100&offset=0`, headers: { 'X-Project-Id': '0123456789abcdef0123456789abcdef' } }, creds, now);
		assert.match(get.Authorization, /Signature=90e5c7e21886ca62b07f5e7e05f6c8e78ff1e1b720bed3b728b0a9286be386f5$/);
	});

	it('builds the canonical URI per segment, with a trailing slash and upper-case hex', () => {
		assert.equal(canonicalUri('/v1/p/server-groups'), '/v1/p/server-groups/');
		assert.equal(canonicalUri('/v1/p/'), '/v1/p/');
		assert.equal(canonicalUri('/a%20b/%E4%B8%AD/x%2Fy/%7e!'), '/a%20b/%E4%B8%AD/x%2Fy/~%21/');
		assert.equal(canonicalUri('/'), '/');
	});

	it('sorts query keys by byte order, repeats keys, keeps empty values and encodes spaces as %20', () => {
		assert.equal(canonicalQuery(parseQuery('?b=2&a=x&B=1&a=c&e=&s=a%20b')), 'B=1&a=c&a=x&b=2&e=&s=a%20b');
		assert.equal(
			canonicalQuery([
				['名', '值'],
				['z', 'a+b'],
			]),
			'z=a%2Bb&%E5%90%8D=%E5%80%BC',
		);
		assert.equal(canonicalQuery([]), '');
	});

	it('signs every header but Authorization, skips names with "_", adds the security token', () => {
		const h = signRequest(
			{ method: 'GET', url: 'https://h.example.com:8443/x', headers: { 'X-Project-Id': 'p', X_Under: 'skip', Authorization: 'old' } },
			{ accessKey: 'AK', secretKey: 'SK', securityToken: 'TOKEN' },
			new Date(0),
		);
		assert.equal(h.Host, 'h.example.com:8443');
		assert.equal(h['X-Security-Token'], 'TOKEN');
		assert.match(h.Authorization, /SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,/);
		assert.equal(h.X_Under, 'skip');
		assert.equal(formatSdkDate(new Date(0)), '19700101T000000Z');
	});

	it('changes the signature when the body, path, query, a header or the date changes', () => {
		const creds = { accessKey: 'AK', secretKey: 'SK' };
		const req = { method: 'POST', url: 'https://h/a?x=1', headers: { 'X-A': '1' }, body: '{}' };
		const sig = (r: typeof req, d = 0): string => signRequest(r, creds, new Date(d)).Authorization;
		const base = sig(req);
		for (const other of [
			sig({ ...req, body: '{ }' }),
			sig({ ...req, url: 'https://h/b?x=1' }),
			sig({ ...req, url: 'https://h/a?x=2' }),
			sig({ ...req, headers: { 'X-A': '2' } }),
			sig(req, 1000),
			signRequest(req, { accessKey: 'AK', secretKey: 'SK2' }, new Date(0)).Authorization,
		]) {
			assert.notEqual(other, base);
		}
	});

	describe('cross-check against the official Node SDK signer', () => {
		// A small deterministic generator: the same 300 requests on every run.
		let seed = 12345;
		const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
		// url.parse() in the SDK escapes some ASCII itself, so paths avoid those; queries do not.
		const pathChars = ['a', 'Z', '0', '-', '_', '.', '~', '中', 'é', '@', ':', '!', '*', '(', '$', '😀'];
		const queryChars = [...pathChars, ' ', '/', '?', '&', '=', '+', '%', '#', '"', "'", '{', '|'];
		const word = (chars: string[], min = 1): string => Array.from({ length: min + Math.floor(rnd() * 6) }, () => pick(chars)).join('');
		const cases = Array.from({ length: 300 }, (_, i) => {
			const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
			// `.` and `..` segments are resolved by every URL parser, so no API path has them.
			const segments = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => word(pathChars).replace(/^\.{1,2}$/, 'dot'));
			const query: Record<string, string | string[]> = {};
			for (let k = Math.floor(rnd() * 4); k > 0; k--) {
				// ASCII keys: the SDK sorts UTF-16 code units, the spec bytes; they agree on ASCII.
				const key = word(['a', 'b', 'B', 'x', '_', '-', '1'], 1);
				query[key] = rnd() < 0.3 ? [word(queryChars, 0), word(queryChars, 0)] : word(queryChars, 0);
			}
			const data = method === 'GET' || method === 'DELETE' ? undefined : { n: i, name: word(queryChars), nested: { ok: rnd() < 0.5 } };
			const token = rnd() < 0.4 ? `tok-${i}-${word(['a', 'b', '0'])}` : undefined;
			const headers: Record<string, string> = { 'x-project-id': `p${i}` };
			if (data) {
				headers['content-type'] = 'application/json;charset=UTF-8';
			}
			if (rnd() < 0.3) {
				headers['x-custom'] = `v ${i}`;
			}
			return { method, segments, query, data, token, headers, date: new Date(Date.UTC(2020, 0, 1) + i * 7_777_777_000 * rnd()) };
		});

		it(`agrees on ${cases.length} generated requests`, () => {
			let agreed = 0;
			for (const c of cases) {
				const rawPath = '/' + c.segments.join('/');
				const pairs: [string, string][] = Object.entries(c.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
				const qs = canonicalQuery(pairs);
				const url = `https://sdrs.cn-north-4.myhuaweicloud.com${c.segments.map((s) => '/' + encodeURIComponent(s)).join('')}${qs ? '?' + qs : ''}`;
				const body = c.data === undefined ? undefined : JSON.stringify(c.data);
				const sdkDate = formatSdkDate(c.date);
				const ours = signRequest({ method: c.method, url, headers: { ...c.headers }, body }, { accessKey: 'AKCROSS', secretKey: `SK-${c.method}`, securityToken: c.token }, c.date);

				const sdkHeaders: Record<string, string> = { ...c.headers, 'X-Sdk-Date': sdkDate };
				if (c.token) {
					sdkHeaders['X-Security-Token'] = c.token;
				}
				const theirs = AKSKSigner.sign(
					{ endpoint: `https://sdrs.cn-north-4.myhuaweicloud.com${rawPath}`, method: c.method, headers: sdkHeaders, queryParams: c.query, data: c.data },
					{ getAk: () => 'AKCROSS', getSk: () => `SK-${c.method}` },
				);
				assert.equal(ours.Authorization, theirs.Authorization, `request ${JSON.stringify(c)}`);
				agreed++;
			}
			assert.equal(agreed, cases.length);
		});
	});
});

describe('signRequest and URLs', () => {
	it('signs the host, path and query that WHATWG URL reads from the URL, as the simulator verifies them', () => {
		const creds = { accessKey: 'AK', secretKey: 'SK' };
		for (const u of [
			'https://sdrs.cn-north-4.myhuaweicloud.com/v1/p/server-groups?limit=1000&offset=0',
			'https://HOST.example.com:443/a',
			'http://127.0.0.1:8080/v1/x/jobs/abc',
			'http://127.0.0.1:80/',
			'https://h.example.com',
			'https://h.example.com/a/../b',
			'https://h.example.com/a/%2e%2e/b',
			'https://h.example.com/a b/中?x=y z',
			'http://[::1]:9/v1?',
			'https://h.example.com/a?b=%2F&c',
			'https://user:pw@h.example.com/x',
		]) {
			const url = new URL(u);
			const h = signRequest({ method: 'GET', url: u, headers: {} }, creds, new Date(0));
			assert.equal(h.Host, url.host, u);
			const canonical = canonicalRequest('GET', url.pathname, url.search, h, ['host', 'x-sdk-date'], sha256Hex(''));
			assert.match(h.Authorization, new RegExp(`Signature=${signatureFor(canonical, h['X-Sdk-Date'], 'SK')}$`), u);
		}
	});
});

describe('canonicalQuery', () => {
	it('is stable: a canonical query read back and rebuilt is unchanged, for 3,000 raw and canonical queries', () => {
		let seed = 99;
		const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
		// Raw pieces, canonical or not: unreserved text, upper- and lower-case escapes, escapes of
		// unreserved characters (%41 is "A"), multi-byte and broken escapes, '+', '=' and '&'.
		const pieces = ['a', 'b', 'B', 'z', '0', '-', '_', '.', '~', '%20', '%2F', '%2f', '%41', '%7E', '%25', '%E4%B8%AD', '%E4', '+', '%', '*'];
		const part = (): string => Array.from({ length: Math.floor(rnd() * 4) }, () => pick(pieces)).join('');
		let changed = 0;
		for (let i = 0; i < 3000; i++) {
			const raw = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => (rnd() < 0.1 ? part() : `${part()}=${part()}`)).join('&');
			const once = canonicalQuery(parseQuery(raw));
			assert.equal(canonicalQuery(parseQuery(once)), once, raw);
			assert.doesNotMatch(once, /%[0-9a-f]?[a-f]|[^A-Za-z0-9\-_.~%=&]/, raw);
			if (once !== raw) {
				changed++;
			}
		}
		assert.ok(changed > 1000, `changed ${changed}`);
		// Sorted by decoded text, not by the escaped form: '%20' (space) sorts before '0'.
		const of = (raw: string): string => canonicalQuery(parseQuery(raw));
		assert.equal(of('a=0&a=%20'), 'a=%20&a=0');
		assert.equal(of('a=%20&a=0'), 'a=%20&a=0');
		assert.equal(of('b=1&a=2'), 'a=2&b=1');
		assert.equal(of('a=2&a=1&b=0'), 'a=1&a=2&b=0');
	});
});

describe('byteCompare', () => {
	it('orders strings as their UTF-8 bytes do, surrogate pairs and U+E000–FFFF included', () => {
		const chars = ['a', 'Z', '~', '%', '0', 'é', '中', '\uE000', '\uFFFF', '😀', '𠀀'];
		let seed = 5;
		const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const word = (): string => Array.from({ length: Math.floor(rnd() * 5) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
		for (let i = 0; i < 5000; i++) {
			const a = word();
			const b = word();
			assert.equal(Math.sign(byteCompare(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), `${a} ? ${b}`);
		}
		assert.ok(byteCompare('\uFFFF', '😀') < 0, 'U+FFFF sorts before a code point above it in UTF-8');
	});
});

describe('signatureFor', () => {
	it('equals createHmac for short, long (> 64 bytes) and non-ASCII keys, and odd dates', async () => {
		const { createHmac } = await import('node:crypto');
		const h = sha256Hex;
		for (const key of ['k', 'SK-0123456789', 'x'.repeat(64), 'y'.repeat(65), '密钥-ключ', 'z'.repeat(300)]) {
			for (const date of ['20191115T033655Z', 'not-a-date']) {
				const canonical = `GET\n/${key}/\n\nhost:h\n\nhost\n${h('')}`;
				const expected = createHmac('sha256', key)
					.update(`SDK-HMAC-SHA256\n${date}\n${h(canonical)}`)
					.digest('hex');
				assert.equal(signatureFor(canonical, date, key), expected, `${key.slice(0, 10)} ${date}`);
			}
		}
	});
});
