import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { SdrsError } from '../../src/core/errors';
import { SdrsClient } from '../../src/core/client';
import { HttpPipeline, retryAfterMs } from '../../src/core/http';
import { DEMO_CREDENTIALS } from '../../src/simulator/simulator';
import { rejects, rig, type Rig } from '../support/sim';

describe('HttpPipeline over real sockets', () => {
	let r: Rig;
	afterEach(async () => {
		await r.sim.stop();
	});

	for (const kind of ['500', '502', '503', '504', '429', 'reset', 'malformed', 'truncated', 'html502', 'empty200'] as const) {
		it(`retries a GET after a ${kind} and succeeds`, async () => {
			r = await rig({ faults: [{ match: '^GET .*/server-groups/[^/]+$', kind, count: 2 }] });
			const g = r.sim.findGroup('crm-web');
			const got = await r.client.getGroup(r.project, g.id);
			assert.equal(got.id, g.id);
			assert.equal(r.sim.stats.faults[kind], 2);
			assert.equal(r.sim.stats.byRoute['GET /v1/{id}/server-groups/{id}'], 3, 'two retries');
		});
	}

	it('gives up on a GET after maxAttempts and reports the last error with its request id', async () => {
		r = await rig({ faults: [{ match: 'server-groups/', kind: '503', rate: 1 }] }, { maxAttempts: 3 });
		const err = await rejects(r.client.getGroup(r.project, r.sim.findGroup('crm-web').id));
		assert.ok(err instanceof SdrsError);
		assert.equal(err.status, 503);
		assert.match(String(err.requestId), /^[0-9a-f]{32}$/);
		assert.equal(r.sim.stats.faults['503'], 3);
	});

	it('times out a hanging request and retries it (GET)', async () => {
		r = await rig({ faults: [{ match: 'server-groups/', kind: 'hang', count: 1 }] }, { timeoutMs: 200 });
		const got = await r.client.getGroup(r.project, r.sim.findGroup('crm-web').id);
		assert.equal(got.name, 'crm-web');
		assert.equal(r.sim.stats.byRoute['GET /v1/{id}/server-groups/{id}'], 2, 'one retry');
	});

	for (const kind of ['500', '503', 'reset', 'hang', 'lost-response', 'truncated', '429'] as const) {
		it(`never resends the action POST after a ${kind} (counted by the server)`, async () => {
			r = await rig({ faults: [{ match: '^POST .*/action$', kind, count: 1 }] }, { timeoutMs: 300 });
			const g = r.sim.findGroup('crm-web');
			const err = await rejects(r.client.startProtectionGroup(r.project, g.id));
			assert.ok(err instanceof SdrsError, String(err));
			assert.equal(r.sim.stats.actionPosts[g.id], 1);
			assert.equal(r.sim.stats.byRoute['POST /v1/{id}/server-groups/{id}/action'], 1, 'never retried');
		});
	}

	it('a lost POST response leaves the job on the server: reconciled by reading the group', async () => {
		r = await rig({ faults: [{ match: '^POST .*/action$', kind: 'lost-response', count: 1 }] });
		const g = r.sim.findGroup('crm-web');
		await rejects(r.client.startProtectionGroup(r.project, g.id));
		assert.equal(r.sim.stats.jobsCreated[g.id], 1);
		assert.equal((await r.client.getGroup(r.project, g.id)).status, 'starting');
	});

	it('honours Retry-After on 429', async () => {
		const slept: number[] = [];
		r = await rig({ faults: [{ match: 'server-groups/', kind: '429', count: 1 }] }, { sleep: (ms) => (slept.push(ms), Promise.resolve()) });
		await r.client.getGroup(r.project, r.sim.findGroup('crm-web').id);
		assert.deepEqual(slept, [1000]);
		assert.equal(retryAfterMs('2', 0), 2000);
		assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4000), 6000);
		assert.equal(retryAfterMs('junk', 0), undefined);
	});

	it('backs off exponentially with jitter when there is no Retry-After', async () => {
		const slept: number[] = [];
		r = await rig({ faults: [{ match: 'server-groups/', kind: '503', count: 3 }] }, { sleep: (ms) => (slept.push(ms), Promise.resolve()), random: () => 1, baseBackoffMs: 100, maxBackoffMs: 10_000 });
		await r.client.getGroup(r.project, r.sim.findGroup('crm-web').id);
		assert.deepEqual(slept, [100, 200, 400]);
	});

	it('corrects a 20-minute clock skew from the Date header, once, and logs it once', async () => {
		const warnings: string[] = [];
		r = await rig({ clockOffsetMs: 20 * 60_000 }, { logger: { info() {}, debug() {}, error() {}, warn: (m) => warnings.push(m) } });
		const g = r.sim.findGroup('crm-web');
		await r.client.getGroup(r.project, g.id);
		await r.client.getGroup(r.project, g.id);
		assert.equal(r.sim.stats.authFailures, 1);
		assert.equal(warnings.filter((w) => /clock differs/.test(w)).length, 1, 'corrected once');
		assert.equal(warnings.filter((w) => /clock/.test(w)).length, 1);
		assert.ok(Math.abs(r.http.clockOffset(new URL(r.sim.url).host) - 20 * 60_000) < 5000);
	});

	it('waits 2–5 s after a 429 without Retry-After, as the gateway advises', async () => {
		const slept: number[] = [];
		r = await rig(
			{ faults: [{ match: 'server-groups/', kind: 'respond', status: 429, count: 2, body: '{"error_code":"APIGW.0308","error_msg":"throttled"}' }] },
			{ sleep: (ms) => (slept.push(ms), Promise.resolve()), random: () => 0, baseBackoffMs: 100 },
		);
		await r.client.getGroup(r.project, r.sim.findGroup('crm-web').id);
		assert.deepEqual(slept, [2000, 2000]);
		slept.length = 0;
		await r.sim.stop();
		r = await rig({ faults: [{ match: 'server-groups/', kind: 'respond', status: 429, count: 1, body: '{}' }] }, { sleep: (ms) => (slept.push(ms), Promise.resolve()), random: () => 0.999 });
		await r.client.getGroup(r.project, r.sim.findGroup('crm-web').id);
		assert.ok(slept[0] >= 4990 && slept[0] <= 5000, String(slept[0]));
	});

	it('keeps a clock offset per host, and believes none beyond an hour (a hostile Date moves nothing)', async () => {
		const warnings: string[] = [];
		r = await rig({ clockOffsetMs: 240 * 3_600_000 }, { logger: { info() {}, debug() {}, error() {}, warn: (m) => warnings.push(m) } });
		const err = await rejects(r.client.getGroup(r.project, r.sim.findGroup('crm-web').id));
		assert.equal(err.status, 401, 'refused on the date, and not corrected');
		assert.equal(warnings.filter((w) => /clock differs/.test(w)).length, 0, 'no correction');
		assert.equal(r.http.clockOffset(new URL(r.sim.url).host), 0);
		const other = await rig({ clockOffsetMs: 20 * 60_000 });
		try {
			const client = new SdrsClient(r.http, { iam: other.sim.url, sdrs: other.sim.url, ecs: other.sim.url });
			await client.getGroup(other.project, other.sim.findGroup('crm-web').id);
			assert.ok(Math.abs(r.http.clockOffset(new URL(other.sim.url).host) - 20 * 60_000) < 5000);
			assert.equal(r.http.clockOffset(new URL(r.sim.url).host), 0, 'one host’s clock does not move another’s');
		} finally {
			await other.sim.stop();
		}
	});

	it('caps the response size', async () => {
		r = await rig({ faults: [{ match: 'server-groups/', kind: 'respond', status: 200, body: 'x'.repeat(2 * 1024 * 1024), rate: 1 }] }, { maxResponseBytes: 1024 * 1024, maxAttempts: 1 });
		const err = await rejects(r.client.getGroup(r.project, r.sim.findGroup('crm-web').id));
		assert.equal(err.kind, 'too-large');
	});

	it('decodes UTF-8 that is split across chunks, and turns malformed bytes into U+FFFD', async () => {
		// 3-byte and 4-byte characters over ~600 KB: chunk boundaries fall inside characters.
		const name = '容灾保护组-😀-'.repeat(20_000);
		const body = JSON.stringify({ server_group: { id: 'g1', name: 'x', description: name } });
		r = await rig({ faults: [{ match: 'server-groups/', kind: 'respond', status: 200, body, rate: 1 }] });
		const res = await r.http.send({ method: 'GET', url: `${r.sim.url}/v1/${r.project.id}/server-groups/g1`, idempotent: true }, (b) => b);
		assert.equal(res.data, body);
		// Exact boundaries through the fetch seam: the body arrives in exactly these chunks.
		const bodyOf = async (chunks: Buffer[]): Promise<string> => {
			const seam = new HttpPipeline({
				credentials: () => DEMO_CREDENTIALS,
				fetch: () => Promise.resolve({ status: 200, headers: { get: () => null }, body: Readable.from(chunks) }),
			});
			return (await seam.send({ method: 'GET', url: 'http://127.0.0.1:9/x', idempotent: true }, (b) => b)).data;
		};
		// A character cut in two, and bytes that are not UTF-8.
		const bytes = Buffer.from('a中b', 'utf8'); // 61 e4 b8 ad 62
		assert.equal(await bodyOf([bytes.subarray(0, 2), bytes.subarray(2), Buffer.from([0xff, 0x63])]), 'a中b\ufffdc');
		// All-ASCII chunks first (copied as they are), then a character cut in two, then ASCII again.
		assert.equal(await bodyOf([Buffer.from('ab'), Buffer.from([0x63, 0xe4]), Buffer.from([0xb8, 0xad, 0x64]), Buffer.from('ef')]), 'abc中def');
		// A cut-off character followed by an ASCII chunk: the replacement character stays in place.
		assert.equal(await bodyOf([Buffer.from([0x61, 0xe4]), Buffer.from('x')]), 'a\ufffdx');
	});

	it('never sends a request that was stopped while it waited for a slot', async () => {
		r = await rig({ latencyMs: 150 }, { maxConcurrentPerHost: 1 });
		const g = r.sim.findGroup('crm-web');
		const before = r.sim.stats.requests;
		const first = r.client.getGroup(r.project, g.id);
		const ac = new AbortController();
		const second = r.client.getGroup(r.project, g.id, ac.signal);
		ac.abort();
		assert.equal((await first).id, g.id);
		const err = await rejects(second);
		assert.equal(err.kind, 'aborted');
		assert.equal(r.sim.stats.requests - before, 1, 'only the first reached the service');
	});

	it('limits concurrency per host', async () => {
		r = await rig({ latencyMs: 40 }, { maxConcurrentPerHost: 2 });
		let inFlight = 0;
		let peak = 0;
		const counting = new HttpPipeline({
			credentials: () => DEMO_CREDENTIALS,
			maxConcurrentPerHost: 2,
			fetch: async (url, init) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				try {
					return await fetch(url, init);
				} finally {
					inFlight--;
				}
			},
		});
		await Promise.all(Array.from({ length: 6 }, () => counting.send({ method: 'GET', url: `${r.sim.url}/v3/projects`, idempotent: true }, (b) => b)));
		assert.equal(peak, 2);
	});

	it('takes the keys out of a 401 that echoes the canonical request, before it is logged or shown', async () => {
		const creds = { accessKey: 'TEMPAKREDACT01', secretKey: 'the-wrong-secret-key', securityToken: 'tok-0123456789abcdef-secret' };
		const lines: string[] = [];
		const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) };
		r = await rig(
			{ temporaryCredentials: { TEMPAKREDACT01: { secretKey: 'the-right-secret-key', securityToken: creds.securityToken, expiresAt: Date.now() + 60_000 } } },
			{ credentials: () => creds, logger },
		);
		const err = await rejects(r.client.listProjects());
		assert.ok(err instanceof SdrsError);
		assert.equal(err.status, 401);
		// The simulator quotes the canonical request, as gateways do: the token header was in it.
		assert.match(err.message, /canonicalRequest: .*x-security-token:<redacted>/);
		for (const text of [err.message, String(err.stack), ...lines]) {
			for (const secret of [creds.accessKey, creds.secretKey, creds.securityToken]) {
				assert.ok(!text.includes(secret), `a key reached: ${text.slice(0, 200)}`);
			}
		}
	});
	it('takes a long token out of an error text before the text is cut to length (no prefix of it stays)', async () => {
		// Real security tokens run to thousands of characters; error texts are capped at 160–500.
		const token = Array.from({ length: 40 }, (_, n) => `tok${n}-${'k'.repeat(40)}`).join('');
		const creds = { ...DEMO_CREDENTIALS, securityToken: token };
		const lines: string[] = [];
		const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) };
		r = await rig({}, { credentials: () => creds, logger });
		const bodies = [
			JSON.stringify({ error: { code: 'SDRS.0002', message: `Invalid request: token=${token} was refused` } }),
			`gateway says: token=${token}`,
			JSON.stringify({ error_code: 'APIGW.0301', error_msg: `bad signature, X-Security-Token: ${token}` }),
		];
		for (const body of bodies) {
			r.sim.configure({ faults: [{ match: 'server-groups', kind: 'respond', status: 400, count: 1, body }] });
			const err = await rejects(r.client.listGroups(r.project));
			assert.ok(err instanceof SdrsError);
			assert.match(err.message, /<redacted>/);
			for (const text of [err.message, err.toString(), ...lines]) {
				// No 12 characters in a row of the token survive anywhere.
				for (let i = 0; i + 12 <= token.length; i += 6) {
					assert.ok(!text.includes(token.slice(i, i + 12)), `part of the token reached: ${text.slice(0, 120)}`);
				}
			}
		}
	});
});
