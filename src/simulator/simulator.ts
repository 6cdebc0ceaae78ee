// A simulated Huawei Cloud (IAM, SDRS and ECS on one port) that speaks the real wire protocol:
// it verifies SDK-HMAC-SHA256 signatures and the 15-minute date window (auth.ts), enforces the
// documented preconditions with the documented error codes (routes.ts), runs jobs through
// INIT → RUNNING → SUCCESS/FAIL with the group transitions (jobs.ts), and injects faults on
// request (faults.ts). This file is the HTTP server; the account lives in state.ts. It listens
// on 127.0.0.1 only. Admin calls (admin.ts, with this run's token) live under /__admin/.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { admin } from './admin';
import { verify } from './auth';
import { pickFault, sendFault, type FaultKind } from './faults';
import type { Caller } from './iam';
import { serve } from './iamRoutes';
import { SimState, type SimulatorOptions } from './state';
import { Answer, HttpError, isObject } from './wire';

export { DEMO_CREDENTIALS } from './auth';
export { DEMO_AGENCY, PARTNER_ACCOUNT, DEMO_ACCOUNT, partnerProjectId } from './iam';
export type { FaultKind, FaultRule } from './faults';
export type { SimulatorOptions, SimulatorStats } from './state';

/** The largest request body the simulator reads (the largest real one, an admin call, is a few kB). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export class Simulator extends SimState {
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private lifetimeTimer?: NodeJS.Timeout;
	/** `http://127.0.0.1:PORT` once started. */
	url = '';
	/** The token admin calls must carry (X-Admin-Token), new for every run. */
	readonly adminToken = randomBytes(16).toString('hex');

	async start(): Promise<string> {
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		// Bounded whoever connects: connections past the cap are closed at once, and a request's
		// headers and body must arrive in time (a slow client cannot hold a connection for ever).
		this.server.maxConnections = this.options.maxConnections;
		this.server.headersTimeout = 10_000;
		this.server.requestTimeout = 30_000;
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			this.server?.once('error', reject);
			this.server?.listen(this.options.port, '127.0.0.1', () => resolve());
		});
		const addr = this.server.address();
		const port = typeof addr === 'object' && addr ? addr.port : 0;
		this.url = `http://127.0.0.1:${port}`;
		this.lifetimeTimer = setTimeout(() => void this.stop(), this.options.lifetimeMs);
		this.lifetimeTimer.unref();
		return this.url;
	}

	async stop(): Promise<void> {
		clearTimeout(this.lifetimeTimer);
		const server = this.server;
		this.server = undefined;
		for (const s of this.sockets) {
			s.destroy();
		}
		if (server) {
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}

	// ---- request handling ----

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const requestId = randomBytes(16).toString('hex');
		// A body past the cap is refused with 413 and never handled (not cut short and handled):
		// declared too large, refused before it is read; counted too large, refused as it arrives.
		const tooLarge = (): void => {
			res.writeHead(413, { ...this.baseHeaders(requestId), Connection: 'close' });
			res.end(JSON.stringify({ error_code: 'APIGW.0401', error_msg: `The request body is larger than ${MAX_REQUEST_BYTES} bytes`, request_id: requestId }));
		};
		if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BYTES) {
			tooLarge();
			return;
		}
		const chunks: Buffer[] = [];
		let size = 0;
		try {
			for await (const c of req) {
				size += (c as Buffer).length;
				if (size > MAX_REQUEST_BYTES) {
					tooLarge();
					return;
				}
				chunks.push(c as Buffer);
			}
		} catch {
			return; // the client went away mid-body
		}
		const body = Buffer.concat(chunks);
		const url = req.url ?? '/';
		const qIndex = url.indexOf('?');
		const path = qIndex < 0 ? url : url.slice(0, qIndex);
		const search = qIndex < 0 ? '' : url.slice(qIndex);
		const method = (req.method ?? 'GET').toUpperCase();
		const routeLabel = `${method} ${path}`;

		if (path.startsWith('/__admin/')) {
			await this.respond(res, requestId, () => {
				// Anyone on this machine can reach 127.0.0.1: admin calls need this run's token, and a
				// loopback Host (a web page cannot rebind its way in through another name).
				const host = String(req.headers.host ?? '');
				if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(host) || req.headers['x-admin-token'] !== this.adminToken) {
					throw new HttpError(403, { error: { code: 'ADMIN.403', message: 'admin calls need the X-Admin-Token this simulator printed, sent to a loopback address' } });
				}
				return admin(this, method, path, body);
			});
			return;
		}
		this.stats.requests++;
		const routeKey = routeLabel.replace(/[0-9a-f]{32}|[0-9a-f-]{36}/g, '{id}');
		this.stats.byRoute[routeKey] = (this.stats.byRoute[routeKey] ?? 0) + 1;
		const isAction = method === 'POST' && /\/server-groups\/[^/]+\/action$/.test(path);
		if (isAction) {
			const gid = decodeURIComponent(path.split('/')[4] ?? '');
			this.stats.actionPosts[gid] = (this.stats.actionPosts[gid] ?? 0) + 1;
		}
		const fault = pickFault(this, routeLabel);
		if (fault) {
			this.stats.faults[fault.kind] = (this.stats.faults[fault.kind] ?? 0) + 1;
			if (isAction && fault.kind === '429') {
				const gid = decodeURIComponent(path.split('/')[4] ?? '');
				this.stats.actionPostsThrottled[gid] = (this.stats.actionPostsThrottled[gid] ?? 0) + 1;
			}
		}
		if (fault && (fault.kind === 'reset' || fault.kind === 'hang')) {
			await this.delay();
			if (fault.kind === 'reset') {
				req.socket.destroy();
			}
			return; // a hang: the socket is destroyed when the client gives up or on stop()
		}
		const signedBy = (): Caller | undefined => {
			try {
				return verify(this, req, method, path, search, body);
			} catch {
				return undefined; // answered below, as any request that fails authentication
			}
		};
		const caller = fault?.kind === 'late-apply' ? signedBy() : undefined;
		if (fault?.kind === 'late-apply' && caller) {
			// The gateway gives up and answers an error; the service applies the request later.
			res.writeHead(fault.status ?? 502, this.baseHeaders(requestId));
			res.end(JSON.stringify({ error_code: 'APIGW.0201', error_msg: 'Backend timeout (simulated: the request is applied later)', request_id: requestId }));
			const timer = setTimeout(() => {
				try {
					serve(this, caller, method, path, search, body);
				} catch {
					// refused when it finally runs (the group changed meanwhile): nothing applied
				}
			}, fault.applyAfterMs ?? 3000);
			timer.unref();
			return;
		}
		if (fault && ['500', '502', '503', '504', '429', 'html502', 'respond', 'drip'].includes(fault.kind)) {
			await this.delay();
			sendFault(res, fault, this.baseHeaders(requestId), requestId);
			return;
		}
		await this.respond(res, requestId, () => serve(this, verify(this, req, method, path, search, body), method, path, search, body), fault?.kind);
	}

	private delay(): Promise<void> {
		return this.options.latencyMs > 0 ? new Promise((r) => setTimeout(r, this.options.latencyMs)) : Promise.resolve();
	}

	private baseHeaders(requestId: string): Record<string, string> {
		return { 'Content-Type': 'application/json', 'X-Request-Id': requestId, Date: new Date(this.now()).toUTCString() };
	}

	private async respond(res: ServerResponse, requestId: string, work: () => unknown, fault?: FaultKind): Promise<void> {
		let status = 200;
		let payload: unknown;
		try {
			payload = work();
			if (payload instanceof Answer) {
				status = payload.status;
				payload = payload.body;
			}
		} catch (e) {
			if (e instanceof HttpError) {
				status = e.status;
				payload = e.body;
				if (isObject(payload) && 'request_id' in payload) {
					payload = { ...payload, request_id: requestId };
				}
			} else {
				status = 500;
				payload = { error: { code: 'SDRS.0016', message: `Simulator error: ${String(e)}` } };
			}
		}
		let text = JSON.stringify(payload);
		await this.delay();
		if (fault === 'lost-response') {
			res.socket?.destroy();
			return;
		}
		if (status === 200 && fault === 'malformed') {
			text = '{"server_groups": [ {"id": "oops", ' + '<<not json>>';
		} else if (status === 200 && fault === 'empty200') {
			text = '';
		}
		const headers = this.baseHeaders(requestId);
		if (status === 204) {
			res.writeHead(204, { 'X-Request-Id': requestId, Date: headers.Date });
			res.end();
			return;
		}
		if (status === 200 && fault === 'truncated') {
			res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(text)) });
			res.write(text.slice(0, Math.floor(text.length / 2)));
			setTimeout(() => res.socket?.destroy(), 5);
			return;
		}
		res.writeHead(status, headers);
		res.end(text);
	}
}

/** Starts a simulator and returns it (with `url` set). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new Simulator(options);
	await sim.start();
	return sim;
}
