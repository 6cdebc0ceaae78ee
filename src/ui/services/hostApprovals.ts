// Where keys may go is the user's decision alone. Requests of a profile are signed for Huawei
// Cloud's public endpoints without asking; the first time its keys would go to any other host
// (Huawei Cloud Stack, a simulator of your own, or a host a setting names), a modal names the
// host, and the answer is remembered per profile and host. The demo profile talks to the
// extension's own simulator and never asks. A refusal is remembered by this window until the
// profiles or settings change (or the window reloads): a plan of many groups asks once, not once
// per request.
import * as vscode from 'vscode';
import { isPublicEndpointHost } from '../../core/endpoints';
import { SdrsError } from '../../core/errors';
import { updateState, type SharedState } from '../../core/sharedState';

const KEY = 'sdrs.approvedHosts';

export class HostApprovals {
	private readonly asking = new Map<string, Promise<boolean>>();
	/** "profile host" pairs refused in this window since the last change of profiles or settings. */
	private readonly refused = new Set<string>();

	constructor(
		private readonly state: SharedState,
		/** A modal question; resolves true when the user chose `verb`. */
		private readonly confirm: (message: string, detail: string, verb: string) => Thenable<boolean>,
	) {}

	private all(): Record<string, string[]> {
		return this.state.get<Record<string, string[]>>(KEY, {});
	}

	isApproved(profileKey: string, host: string): boolean {
		return isPublicEndpointHost(host) || (this.all()[profileKey] ?? []).includes(host.toLowerCase());
	}

	/** Resolves when the keys of `profileKey` may go to `host`; otherwise rejects and nothing is sent. */
	async approve(profileKey: string, profileName: string, host: string): Promise<void> {
		if (this.isApproved(profileKey, host)) {
			return;
		}
		const key = `${profileKey} ${host.toLowerCase()}`;
		if (this.refused.has(key)) {
			throw this.notAllowed(profileName, host);
		}
		let pending = this.asking.get(key);
		if (!pending) {
			pending = Promise.resolve(
				this.confirm(
					vscode.l10n.t('Send the keys of “{0}” to {1}?', profileName, host),
					vscode.l10n.t(
						'{0} is not a Huawei Cloud public endpoint. Every request to it is signed with this profile’s access key (and security token), and it answers everything the extension shows. Allow it only for your own Huawei Cloud Stack or a simulator you run. You are asked once per profile and host.',
						host,
					),
					vscode.l10n.t('Allow'),
				),
			).then(async (allowed) => {
				if (allowed) {
					await this.remember(profileKey, [host]);
				} else {
					this.refused.add(key);
				}
				return allowed;
			});
			this.asking.set(key, pending);
			void pending.finally(() => this.asking.delete(key));
		}
		if (!(await pending)) {
			throw this.notAllowed(profileName, host);
		}
	}

	private notAllowed(profileName: string, host: string): SdrsError {
		return new SdrsError(vscode.l10n.t('Not sent: the keys of “{0}” go to {1} only if you allow it.', profileName, host), 'config');
	}

	/** Asks again about refused hosts: the profiles or settings changed. */
	clearRefusals(): void {
		this.refused.clear();
	}

	async remember(profileKey: string, hosts: readonly string[]): Promise<void> {
		const all = this.all();
		const known = new Set([...(all[profileKey] ?? []), ...hosts.map((h) => h.toLowerCase())]);
		await updateState(this.state, KEY, { ...all, [profileKey]: [...known] });
	}

	hostsOf(profileKey: string): string[] {
		return this.all()[profileKey] ?? [];
	}

	/** Forgets what was allowed for these (removed) profiles. */
	async forget(profileIds: readonly string[]): Promise<void> {
		for (const key of [...this.refused].filter((k) => profileIds.includes(k.slice(0, k.indexOf(' '))))) {
			this.refused.delete(key);
		}
		const all = this.all();
		if (profileIds.some((id) => id in all)) {
			await updateState(this.state, KEY, Object.fromEntries(Object.entries(all).filter(([id]) => !profileIds.includes(id))));
		}
	}
}
