// The clients of the profiles: the HTTP pipeline and client for a profile, built from the current
// settings. One pipeline per profile, so each keeps its own clock-skew correction and host limits.
import * as vscode from 'vscode';
import type { HostApprovals } from './hostApprovals';
import { readSettings } from './settings';
import { AgencyCredentials, type AgencyTarget } from '../../core/agency';
import { SdrsClient } from '../../core/client';
import { endpointFor, type EndpointOverrides } from '../../core/endpoints';
import { isExpiredCredentials, NO_CREDENTIALS, SdrsError } from '../../core/errors';
import { HttpPipeline, type CredentialsProvider } from '../../core/http';
import type { Logger } from '../../core/logger';
import type { Credentials } from '../../core/signer';
import { say } from '../say';
import { agencyFailureText } from '../text';
import { isSimulated, type Profile, type ProfileStore } from './profiles';

/** One client per profile, built on first use and dropped when profiles or settings change. */
export class ClientCache {
	private readonly cache = new Map<string, SdrsClient>();
	/**
	 * The keys read for each profile since the last reset. Clients read them from here, so a reset
	 * drops them from memory, and a client held elsewhere (a job being followed) reads them again.
	 */
	private readonly keys = new Map<string, Promise<Credentials>>();
	/** The agency keys of each agency profile (memory only), forgotten on reset. */
	private readonly agencies = new Map<string, AgencyCredentials>();
	/** Agency profiles whose failure to obtain keys was said (once, until keys are had again). */
	private readonly failureSaid = new Set<string>();
	/** How many agency failures were said (tests: once per failure, not per request). */
	agencyFailuresSaid = 0;

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
		this.agencies.forEach((a) => a.clear());
		this.agencies.clear();
		this.failureSaid.clear();
	}

	client(stale: Profile): SdrsClient {
		// The stored profile, not the caller's copy: the demo's endpoints change between demo runs.
		const profile = this.profiles.get(stale.id) ?? stale;
		// A demo client is built for this window's simulator as it is now (it may start later).
		const demoUrl = isSimulated(profile) ? this.demoUrl() : undefined;
		const cacheKey = isSimulated(profile) ? `${profile.id} ${demoUrl ?? ''}` : profile.id;
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
				if (!isSimulated(profile)) {
					await this.approvals.approve(profile.id, profile.name, host);
				} else if (!demoUrl || new URL(demoUrl).host !== host) {
					// A demo job recorded by another window (its simulator on a port that may now
					// belong to any process), or this window's demo not started: nothing is sent.
					throw new SdrsError(
						vscode.l10n.t(
							'Not sent: the simulated SDRS of the demo does not run in this window (a demo job started in another window is not followed here). Start it here with “SDRS: Try the Demo (Simulated SDRS)”.',
						),
						'config',
					);
				}
			};
			const onUnauthorized = (e: SdrsError): void => {
				const now = this.profiles.get(profile.id);
				if (now?.temporary && isExpiredCredentials(e) && !(now.expiresAt !== undefined && now.expiresAt <= Date.now())) {
					this.logger.warn(`The temporary credentials of “${profile.name}” have expired; no more requests are sent for it.`);
					void this.profiles.update(profile.id, { expiresAt: Date.now() });
				}
			};
			const endpoints = this.endpointsOf(profile, demoUrl);
			client = profile.kind === 'agency' ? this.agencyClient(profile, credentials, endpoints, beforeSend) : createClient(credentials, endpoints, this.logger, beforeSend, onUnauthorized);
			this.cache.set(cacheKey, client);
		}
		return client;
	}

	/** The demo's profiles (an agency one through its base) use this window's simulator; the rest the settings. */
	private endpointsOf(profile: Profile, demoUrl: string | undefined): EndpointOverrides {
		if (isSimulated(profile)) {
			return demoUrl ? { iam: demoUrl, sdrs: demoUrl, ecs: demoUrl, vpc: demoUrl } : {};
		}
		return readSettings().endpoints;
	}

	/**
	 * An agency profile's client: its requests are signed with temporary keys that an
	 * AgencyCredentials obtains (and renews) with the base keys, in memory only. A failure to obtain
	 * them is said once, explained, until keys are had again.
	 */
	private agencyClient(profile: Profile, baseKeys: () => Promise<Credentials>, endpoints: EndpointOverrides, beforeSend: (host: string) => Promise<void>): SdrsClient {
		const ref = profile.agency;
		const target: AgencyTarget = { domainName: ref?.domainName, domainId: ref?.domainId, agencyName: ref?.agencyName ?? '', durationSeconds: ref?.durationSeconds };
		const failed = (e: unknown): never => {
			if (e instanceof SdrsError && e.code?.startsWith('AGENCY.') && !this.failureSaid.has(profile.id)) {
				this.failureSaid.add(profile.id);
				this.agencyFailuresSaid++;
				this.logger.warn(`Agency profile “${profile.name}”: ${e.toString()}`);
				void say.error(agencyFailureText(profile.name, e));
			}
			throw e;
		};
		// Profiles changed while keys were being obtained (reset() cleared them): the request that
		// waited asks once more, with the base keys read again, instead of failing.
		const again = async (e: unknown, retry: () => Promise<Credentials>): Promise<Credentials> => {
			if (e instanceof SdrsError && e.kind === 'aborted') {
				return retry();
			}
			throw e;
		};
		// The agency is assumed with the base profile's own keys: a host off Huawei Cloud is allowed
		// for them under the base profile (its name in the question, its answer kept), as for its own calls.
		const base = profile.agency?.baseProfileId ? this.profiles.get(profile.agency.baseProfileId) : undefined;
		const beforeBaseSend = async (host: string): Promise<void> => {
			await beforeSend(host);
			if (base && !isSimulated(profile)) {
				await this.approvals.approve(base.id, base.name, host);
			}
		};
		const { client, agency } = createAgencyClient(baseKeys, target, endpoints, this.logger, beforeSend, beforeBaseSend, (a) => ({
			get: () =>
				a
					.get()
					.catch((e: unknown) => again(e, () => a.get()))
					.then((c) => {
						this.failureSaid.delete(profile.id);
						return c;
					}, failed),
			renewAfterExpiry: (refused) => a.renewAfterExpiry(refused).catch(failed),
		}));
		this.agencies.get(profile.id)?.clear();
		this.agencies.set(profile.id, agency);
		return client;
	}

	private async credentialsOf(profile: Profile): Promise<Credentials> {
		// An agency profile based on another profile assumes the agency with that profile's keys.
		const creds = await this.profiles.credentials(profile.agency?.baseProfileId ?? profile.id);
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

/**
 * A client signed with an agency's temporary keys, obtained with `baseKeys` through IAM (the
 * first request assumes the agency). `wrap` may watch the provider (failures said once).
 */
export function createAgencyClient(
	baseKeys: () => Credentials | Promise<Credentials>,
	target: AgencyTarget,
	endpoints: EndpointOverrides,
	logger: Logger,
	approveHost?: (host: string) => Promise<void>,
	/** The hosts the base keys go to (IAM's, to assume the agency). */
	approveBaseHost: ((host: string) => Promise<void>) | undefined = approveHost,
	wrap: (agency: AgencyCredentials) => CredentialsProvider = (a) => a,
): { client: SdrsClient; agency: AgencyCredentials } {
	const s = readSettings();
	const options = { approveHost, logger, timeoutMs: s.requestTimeoutMs, maxConcurrentPerHost: s.maxConcurrentRequests };
	const base = new HttpPipeline({ ...options, approveHost: approveBaseHost, credentials: baseKeys });
	const agency = new AgencyCredentials({ base, iamUrl: endpointFor('iam', 'cn-north-4', endpoints), target, logger });
	return { client: new SdrsClient(new HttpPipeline({ ...options, credentials: wrap(agency) }), endpoints), agency };
}
