// What a plan's names are resolved against: the user's profiles (by display name), the projects the
// tree shows (sdrs.regions / sdrs.projects) and their protection groups, through the extension's
// clients. Checking a plan only reads. In the background (the Problems panel as a plan is typed)
// nothing may ask the user anything: no host is approved and the demo is not started on a plan's
// behalf; the plan's names are then "not checked", said once.
import * as vscode from 'vscode';
import { endpointFor } from '../../core/endpoints';
import { SdrsError } from '../../core/errors';
import type { Project, ProtectionGroup } from '../../core/model';
import type { PlanDirectory } from '../../core/plans/resolve';
import type { ClientCache } from './clients';
import type { Demo } from './demo';
import type { HostApprovals } from './hostApprovals';
import { isSimulated, type Profile, type ProfileStore } from './profiles';
import { readSettings, visibleProjects } from './settings';

export interface DirectoryParts {
	profiles: ProfileStore;
	clients: ClientCache;
	approvals: HostApprovals;
	demo: Demo;
}

/**
 * The directory of profiles, projects and groups. `background`: never ask (a host not allowed yet,
 * or the demo not running in this window, is an error that says so, and nothing is sent).
 */
export function planDirectory(parts: DirectoryParts, background: boolean): PlanDirectory {
	const { profiles, clients, approvals, demo } = parts;
	const ready = async (profileId: string, region: string, service: 'iam' | 'sdrs'): Promise<Profile> => {
		const profile = profiles.get(profileId);
		if (!profile) {
			throw new SdrsError(vscode.l10n.t('The profile of the plan no longer exists.'), 'config');
		}
		if (!background) {
			return demo.prepare(profile);
		}
		if (isSimulated(profile)) {
			if (!demo.running) {
				throw new SdrsError(vscode.l10n.t('The demo does not run in this window: start it with “SDRS: Try the Demo (Simulated SDRS)”, or run Check Plan.'), 'config');
			}
			return profile;
		}
		const host = new URL(endpointFor(service, region, readSettings().endpoints)).host;
		if (!approvals.isApproved(profile.id, host)) {
			throw new SdrsError(vscode.l10n.t('The keys of “{0}” may not go to {1} yet: run Check Plan (or open the profile in the Protection Groups view) to allow it.', profile.name, host), 'config');
		}
		return profile;
	};
	return {
		profiles: () => profiles.list().map((p) => ({ id: p.id, name: p.name })),
		defaultProfileId: () => profiles.active()?.id,
		projects: async (profileId: string, signal?: AbortSignal): Promise<Project[]> => {
			const profile = await ready(profileId, 'cn-north-4', 'iam');
			return visibleProjects(await clients.client(profile).listProjects(signal));
		},
		groups: async (profileId: string, project: Project, signal?: AbortSignal): Promise<ProtectionGroup[]> => {
			const profile = await ready(profileId, project.region, 'sdrs');
			return clients.client(profile).listGroups(project, {}, signal);
		},
	};
}
