// Credential profiles: keys only in SecretStorage, names and other non-secret data in globalState.
// Other windows follow through secrets.onDidChange.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Credentials } from '../../core/signer';
import type { EndpointOverrides } from '../../core/endpoints';
import { updateState, type SharedState } from '../../core/sharedState';
import { setContextKey } from './contextKeys';

/** An agency profile's agency: the delegating account, the agency and whose keys assume it. */
export interface AgencyRef {
	/** The profile whose keys assume the agency; none when the agency profile holds its own base keys. */
	baseProfileId?: string;
	domainName?: string;
	domainId?: string;
	agencyName: string;
	/** How long each set of temporary keys lives (900–86400 s). */
	durationSeconds: number;
}

export interface Profile {
	id: string;
	name: string;
	/** `agency`: temporary keys through an IAM agency, obtained and renewed in memory (core/agency.ts). */
	kind: 'aksk' | 'demo' | 'agency';
	/** Whether the credentials are temporary (AK/SK + security token). */
	temporary: boolean;
	/** When temporary credentials expire (ms since epoch), if known. */
	expiresAt?: number;
	createdAt: number;
	/** Demo profile only: where the in-host simulator listens (not a secret). */
	endpoints?: EndpointOverrides;
	/** The account the profile acts in, as far as known (IAM's domain ID from the projects, a name when given). */
	account?: { id?: string; name?: string };
	/** Agency profiles only. */
	agency?: AgencyRef;
	/** The demo's agency profile: it reaches the extension's own simulator through the demo profile. */
	simulated?: boolean;
}

/** Whether the profile talks to the extension's own simulator (no host approvals, no console links). */
export const isSimulated = (p: Profile): boolean => p.kind === 'demo' || p.simulated === true;

/** The account a profile acts in, in words: its name, else its ID, else undefined. */
export function accountLabel(p: Profile): string | undefined {
	if (p.kind === 'agency' && p.agency) {
		return p.agency.domainName ?? p.agency.domainId ?? p.account?.name ?? p.account?.id;
	}
	return p.account?.name ?? p.account?.id;
}

/** The account a profile acts in, with its ID when the name is known too: “dr-partner (0a1b…)”. */
export function accountText(profile: Profile, domainId?: string): string | undefined {
	const label = accountLabel(profile);
	const id = domainId ?? profile.account?.id;
	return label && id && label !== id ? `${label} (${id})` : (label ?? id);
}

const PROFILES_KEY = 'sdrs.profiles';
const ACTIVE_KEY = 'sdrs.activeProfile';
const SECRET_PREFIX = 'sdrs.profile.';

export class ProfileStore implements vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private readonly subscription: vscode.Disposable;

	constructor(
		private readonly context: vscode.ExtensionContext,
		/** globalState, written one write at a time (SerialState): shared with the jobs and plan runs. */
		private readonly state: SharedState,
	) {
		this.subscription = context.secrets.onDidChange((e) => {
			if (e.key.startsWith(SECRET_PREFIX)) {
				this.changed.fire();
			}
		});
	}

	dispose(): void {
		this.subscription.dispose();
		this.changed.dispose();
	}

	list(): Profile[] {
		return this.state.get<Profile[]>(PROFILES_KEY, []);
	}

	get(id: string): Profile | undefined {
		return this.list().find((p) => p.id === id);
	}

	/** The profile commands use when none is named: the selected one, or the only one. */
	active(): Profile | undefined {
		const all = this.list();
		const id = this.state.get<string | undefined>(ACTIVE_KEY, undefined);
		return all.find((p) => p.id === id) ?? all[0];
	}

	async setActive(id: string): Promise<void> {
		await this.state.update(ACTIVE_KEY, id);
		this.changed.fire();
	}

	async credentials(id: string): Promise<Credentials | undefined> {
		const raw = await this.context.secrets.get(SECRET_PREFIX + id);
		if (!raw) {
			return undefined;
		}
		try {
			const c = JSON.parse(raw) as Credentials;
			return c.accessKey && c.secretKey ? c : undefined;
		} catch {
			return undefined;
		}
	}

	/**
	 * Saves (or replaces, by name) a profile; keys go to SecretStorage only. `id` names a new one.
	 * Without keys (an agency profile based on another profile) nothing is kept in SecretStorage.
	 */
	async save(meta: Omit<Profile, 'id' | 'createdAt'>, creds: Credentials | undefined, id?: string): Promise<Profile> {
		const existing = this.list().find((p) => p.name === meta.name);
		const profile: Profile = { ...meta, id: existing?.id ?? id ?? randomUUID(), createdAt: existing?.createdAt ?? Date.now() };
		if (creds) {
			await this.context.secrets.store(SECRET_PREFIX + profile.id, JSON.stringify({ accessKey: creds.accessKey, secretKey: creds.secretKey, securityToken: creds.securityToken || undefined }));
		} else {
			await this.context.secrets.delete(SECRET_PREFIX + profile.id);
		}
		await updateState(this.state, PROFILES_KEY, [...this.list().filter((p) => p.id !== profile.id), profile]);
		await this.state.update(ACTIVE_KEY, profile.id);
		await this.updateContext();
		this.changed.fire();
		return profile;
	}

	async update(id: string, patch: Partial<Profile>): Promise<void> {
		await updateState(
			this.state,
			PROFILES_KEY,
			this.list().map((p) => (p.id === id ? { ...p, ...patch, id } : p)),
		);
		this.changed.fire();
	}

	async remove(id: string): Promise<void> {
		await this.context.secrets.delete(SECRET_PREFIX + id);
		await updateState(
			this.state,
			PROFILES_KEY,
			this.list().filter((p) => p.id !== id),
		);
		if (this.state.get<string | undefined>(ACTIVE_KEY, undefined) === id) {
			await this.state.update(ACTIVE_KEY, undefined);
		}
		await this.updateContext();
		this.changed.fire();
	}

	/** Sets the `sdrs.hasProfiles` context key that gates the welcome view and menus. */
	async updateContext(): Promise<void> {
		await setContextKey('sdrs.hasProfiles', this.list().length > 0);
		await setContextKey(
			'sdrs.hasAccountProfile',
			this.list().some((p) => !isSimulated(p)),
		);
		await setContextKey('sdrs.initialized', true);
	}
}
