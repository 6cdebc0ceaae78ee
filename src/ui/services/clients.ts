// The clients of the profiles: the HTTP pipeline and client for a profile, built from the current
// settings. One pipeline per profile, so each keeps its own clock-skew correction and host limits.
import * as vscode from 'vscode';
import type { HostApprovals } from './hostApprovals';
import { readSettings } from './settings';
import { SdrsClient } from '../../core/client';
import type { EndpointOverrides } from '../../core/endpoints';
import { isExpiredCredentials, NO_CREDENTIALS, SdrsError } from '../../core/errors';
import { HttpPipeline } from '../../core/http';
import type { Logger } from '../../core/logger';
import type { Credentials } from '../../core/signer';
import type { Profile, ProfileStore } from './profiles';

/** One client per profile, built on first use and dropped when profiles or settings change. */
export class ClientCache {
	private readonly cache = new Map<string, SdrsClient>();
	/**
	 * The keys read for each profile since the last reset. Clients read them from here, so a reset
	 * drops them from memory, and a client held elsewhere (a job being followed) reads them again.
	 */
	private readonly keys = new Map<string, Promise<Credentials>>();

	constructor(
		private readonly profiles: ProfileStore,
		private readonly logger: Logger,
		private readonly approvals: HostApprovals,
		/**
		 * The URL of this window's demo simulator, if it runs. The demo profile is shared by every
		 * window, and the endpoints stored with it are those of whichever window started its demo
		 * last: they never decide where a request goes.
		 */
		private readonly demoUrl: () => string | undefined = () => undefined,
	) {}

	/** Drops cached clients and keys (settings or credentials changed). */
	reset(): void {
		this.cache.clear();
		this.keys.clear();
	}

	client(stale: Profile): SdrsClient {
		// The stored profile, not the caller's copy: the demo's endpoints change between demo runs.
		const profile = this.profiles.get(stale.id) ?? stale;
		// A demo client is built for this window's simulator as it is now (it may start later).
		const demoUrl = profile.kind === 'demo' ? this.demoUrl() : undefined;
		const cacheKey = profile.kind === 'demo' ? `${profile.id} ${demoUrl ?? ''}` : profile.id;
		let client = this.cache.get(cacheKey);
		if (!client) {
			// Read from SecretStorage once, not per request (each read is a round trip out of the
			// extension host). Any change to a profile or its keys, here or in another window, resets
			// the cache; the keys are then read again, also by a client obtained before (a job
			// being followed), so removed keys are never used again nor kept. A failed read is not kept.
			const credentials = (): Promise<Credentials> => {
				let read = this.keys.get(profile.id);
				if (!read) {
					const fresh = this.credentialsOf(profile);
					fresh.catch(() => this.keys.get(profile.id) === fresh && this.keys.delete(profile.id));
					this.keys.set(profile.id, fresh);
					read = fresh;
				}
				return read;
			};
			// The demo profile's endpoints are the extension's own simulator; every other profile
			// uses the user's settings, and its keys go to a host off Huawei Cloud only if allowed.
			// Temporary keys that expired stop every call of the profile, here and in every client
			// held elsewhere: nothing more is sent until new keys are added.
			const beforeSend = async (host: string): Promise<void> => {
				const now = this.profiles.get(profile.id);
				if (now?.temporary && now.expiresAt !== undefined && now.expiresAt <= Date.now()) {
					throw new SdrsError(vscode.l10n.t('Not sent: the temporary credentials of “{0}” have expired. Add new ones with “SDRS: Add Credentials”.', profile.name), 'config');
				}
				if (profile.kind !== 'demo') {
					await this.approvals.approve(profile.id, profile.name, host);
				} else if (!demoUrl || new URL(demoUrl).host !== host) {
					// A demo job recorded by another window (its simulator on a port that may now
					// belong to any process), or this window's demo not started: nothing is sent.
					throw new SdrsError(vscode.l10n.t('Not sent: the simulated SDRS of the demo does not run in this window (a demo job started in another window is not followed here). Start it here with “SDRS: Try the Demo (Simulated SDRS)”.'), 'config');
				}
			};
			const onUnauthorized = (e: SdrsError): void => {
				const now = this.profiles.get(profile.id);
				if (now?.temporary && isExpiredCredentials(e) && !(now.expiresAt !== undefined && now.expiresAt <= Date.now())) {
					this.logger.warn(`The temporary credentials of “${profile.name}” have expired; no more requests are sent for it.`);
					void this.profiles.update(profile.id, { expiresAt: Date.now() });
				}
			};
			const demoEndpoints = demoUrl ? { iam: demoUrl, sdrs: demoUrl, ecs: demoUrl } : {};
			client = createClient(credentials, profile.kind === 'demo' ? demoEndpoints : readSettings().endpoints, this.logger, beforeSend, onUnauthorized);
			this.cache.set(cacheKey, client);
		}
		return client;
	}

	private async credentialsOf(profile: Profile): Promise<Credentials> {
		const creds = await this.profiles.credentials(profile.id);
		if (!creds) {
			throw new SdrsError(vscode.l10n.t('No credentials are stored for profile “{0}”.', profile.name), 'config', undefined, NO_CREDENTIALS);
		}
		return creds;
	}
}

/** A client with the timeout and concurrency from the settings (also used to check new keys). */
export function createClient(
	credentials: () => Credentials | Promise<Credentials>,
	endpoints: EndpointOverrides,
	logger: Logger,
	approveHost?: (host: string) => Promise<void>,
	onUnauthorized?: (e: SdrsError) => void,
): SdrsClient {
	const s = readSettings();
	const http = new HttpPipeline({ credentials, approveHost, onUnauthorized, logger, timeoutMs: s.requestTimeoutMs, maxConcurrentPerHost: s.maxConcurrentRequests });
	return new SdrsClient(http, endpoints);
}
