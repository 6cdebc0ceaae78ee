// Credential profiles: keys only in SecretStorage, names and other non-secret data in globalState.
// Other windows follow through secrets.onDidChange.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Credentials } from '../../core/signer';
import type { EndpointOverrides } from '../../core/endpoints';
import { updateState } from '../../core/sharedState';
import { setContextKey } from './contextKeys';

export interface Profile {
	id: string;
	name: string;
	kind: 'aksk' | 'demo';
	/** Whether the credentials are temporary (AK/SK + security token). */
	temporary: boolean;
	/** When temporary credentials expire (ms since epoch), if known. */
	expiresAt?: number;
	createdAt: number;
	/** Demo profile only: where the in-host simulator listens (not a secret). */
	endpoints?: EndpointOverrides;
}

const PROFILES_KEY = 'sdrs.profiles';
const ACTIVE_KEY = 'sdrs.activeProfile';
const SECRET_PREFIX = 'sdrs.profile.';

export class ProfileStore implements vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private readonly subscription: vscode.Disposable;

	constructor(private readonly context: vscode.ExtensionContext) {
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
		return this.context.globalState.get<Profile[]>(PROFILES_KEY, []);
	}

	get(id: string): Profile | undefined {
		return this.list().find((p) => p.id === id);
	}

	/** The profile commands use when none is named: the selected one, or the only one. */
	active(): Profile | undefined {
		const all = this.list();
		const id = this.context.globalState.get<string>(ACTIVE_KEY);
		return all.find((p) => p.id === id) ?? all[0];
	}

	async setActive(id: string): Promise<void> {
		await this.context.globalState.update(ACTIVE_KEY, id);
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

	/** Saves (or replaces, by name) a profile; keys go to SecretStorage only. `id` names a new one. */
	async save(meta: Omit<Profile, 'id' | 'createdAt'>, creds: Credentials, id?: string): Promise<Profile> {
		const existing = this.list().find((p) => p.name === meta.name);
		const profile: Profile = { ...meta, id: existing?.id ?? id ?? randomUUID(), createdAt: existing?.createdAt ?? Date.now() };
		await this.context.secrets.store(SECRET_PREFIX + profile.id, JSON.stringify({ accessKey: creds.accessKey, secretKey: creds.secretKey, securityToken: creds.securityToken || undefined }));
		await updateState(this.context.globalState, PROFILES_KEY, [...this.list().filter((p) => p.id !== profile.id), profile]);
		await this.context.globalState.update(ACTIVE_KEY, profile.id);
		await this.updateContext();
		this.changed.fire();
		return profile;
	}

	async update(id: string, patch: Partial<Profile>): Promise<void> {
		await updateState(
			this.context.globalState,
			PROFILES_KEY,
			this.list().map((p) => (p.id === id ? { ...p, ...patch, id } : p)),
		);
		this.changed.fire();
	}

	async remove(id: string): Promise<void> {
		await this.context.secrets.delete(SECRET_PREFIX + id);
		await updateState(
			this.context.globalState,
			PROFILES_KEY,
			this.list().filter((p) => p.id !== id),
		);
		if (this.context.globalState.get<string>(ACTIVE_KEY) === id) {
			await this.context.globalState.update(ACTIVE_KEY, undefined);
		}
		await this.updateContext();
		this.changed.fire();
	}

	/** Sets the `sdrs.hasProfiles` context key that gates the welcome view and menus. */
	async updateContext(): Promise<void> {
		await setContextKey('sdrs.hasProfiles', this.list().length > 0);
		await setContextKey('sdrs.hasAccountProfile', this.list().some((p) => p.kind === 'aksk'));
		await setContextKey('sdrs.initialized', true);
	}
}

