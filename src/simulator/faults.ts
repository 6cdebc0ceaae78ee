// Faults on request: which answer goes wrong (by route, rate or count, on a seeded PRNG) and how
// (5xx, 429, resets, hangs, malformed, truncated or dripping bodies, a POST applied whose answer is lost).
import type { ServerResponse } from 'node:http';
import type { SimState } from './state';

export type FaultKind =
	| '500'
	| '502'
	| '503'
	| '504'
	| '429'
	| 'reset' // the connection is destroyed before any answer
	| 'hang' // no answer at all (until the client gives up or the server stops)
	| 'malformed' // 200 with a body that is not JSON
	| 'truncated' // 200 whose body stops half-way
	| 'html502' // a proxy's HTML error page
	| 'empty200' // 200 with an empty body
	| 'lost-response' // the request IS applied, then the connection drops (POST: the job exists)
	| 'respond' // a fixed answer: `status`, `body`, `headers`
	| 'drip' // 200 whose body arrives a byte every 200 ms (ends after 30 s or when the client leaves)
	| 'late-apply'; // answers `status` (502 unless given) at once, then applies the request `applyAfterMs` later (default 3 s), as a backend the gateway gave up on

export interface FaultRule {
	/** Matched against `METHOD /path` (no query), e.g. `^POST .*\/action$`. */
	match: string;
	kind: FaultKind;
	/** Probability per matching request (seeded PRNG). */
	rate?: number;
	/** Applies to the next N matching requests, then expires. */
	count?: number;
	status?: number;
	/** late-apply: how long after the error answer the request is applied. */
	applyAfterMs?: number;
	body?: string;
	headers?: Record<string, string>;
}

export function pickFault(sim: SimState, route: string): FaultRule | undefined {
	for (const rule of sim.options.faults) {
		if (!new RegExp(rule.match).test(route)) {
			continue;
		}
		if (rule.count !== undefined) {
			if (rule.count <= 0) {
				continue;
			}
			rule.count--;
			return rule;
		}
		if (sim.random() < (rule.rate ?? 0)) {
			return rule;
		}
	}
	return undefined;
}

export function sendFault(res: ServerResponse, fault: FaultRule, headers: Record<string, string>, requestId: string): void {
	if (fault.kind === 'drip') {
		res.writeHead(200, headers);
		const timer = setInterval(() => res.write(' '), 200);
		const end = setTimeout(() => {
			clearInterval(timer);
			res.end('{}');
		}, 30_000);
		res.on('close', () => {
			clearInterval(timer);
			clearTimeout(end);
		});
	} else if (fault.kind === 'html502') {
		res.writeHead(502, { ...headers, 'Content-Type': 'text/html' });
		res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>');
	} else if (fault.kind === 'respond') {
		res.writeHead(fault.status ?? 200, { ...headers, ...fault.headers });
		res.end(fault.body ?? '');
	} else if (fault.kind === '429') {
		res.writeHead(429, { ...headers, 'Retry-After': '1' });
		res.end(JSON.stringify({ error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit, limit:20, time:1 second', request_id: requestId }));
	} else {
		res.writeHead(Number(fault.kind), headers);
		res.end(JSON.stringify({ error: { code: 'SDRS.0016', message: 'Internal error (simulated fault)' } }));
	}
}
