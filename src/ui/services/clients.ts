// The clients of the profiles: the HTTP pipeline and client for a profile, built from the current
// settings. One pipeline per profile, so each keeps its own clock-skew correction and host limits.
import * as vscode from 'vscode';
import type { HostApprovals } from './hostApprovals';
import { readSettings } from './settings';
import { SdrsClient } from '../../core/client';
import type { EndpointOverrides } from '../../core/endpoints';
import { NO_CREDENTIALS, SdrsError } from '../../core/errors';
import { HttpPipeline, type Logger } from '../../core/http';
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
	) {}

	/** Drops cached clients and keys (settings or credentials changed). */
	reset(): void {
		this.cache.clear();
		this.keys.clear();
	}

	client(stale: Profile): SdrsClient {
		// The stored profile, not the caller's copy: the demo's endpoints change between demo runs.
		const profile = this.profiles.get(stale.id) ?? stale;
		let client = this.cache.get(profile.id);
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
			client =
				profile.kind === 'demo'
					? createClient(credentials, profile.endpoints ?? {}, this.logger)
					: createClient(credentials, readSettings().endpoints, this.logger, (host) => this.approvals.approve(profile.id, profile.name, host));
			this.cache.set(profile.id, client);
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
): SdrsClient {
	const s = readSettings();
	const http = new HttpPipeline({ credentials, approveHost, logger, timeoutMs: s.requestTimeoutMs, maxConcurrentPerHost: s.maxConcurrentRequests });
	return new SdrsClient(http, endpoints);
}
