// Explanations of the DR-drill error codes (sdrs-api.md §2.4), in English (the l10n bundle words
// them), merged into explanations.ts's table. Codes the reference groups (1924–1930) are explained
// as a group; the internal ones (1911–1920 but 1913) say to contact support.
import type { Explanation } from './explanations';

const INTERNAL: Explanation = { explanation: 'SDRS failed internally while handling the DR drill.', fix: 'Try again in a few minutes; if it persists, open a ticket with the request ID.' };

const VPC_PROBLEM: Explanation = {
	explanation: 'The drill VPC cannot be used: its subnets, the VPC itself, or the VPC or subnet quota of the project stood in the way.',
	fix: 'Pick “Let the service create a drill VPC”, or a VPC of this project that has subnets with the group’s CIDR blocks, and check the VPC and subnet quotas.',
};

export const DRILL_EXPLANATIONS: Record<string, Explanation> = {
	'SDRS.1902': { explanation: 'The DR drill no longer exists.', fix: 'Refresh the group’s DR drills: it may have been deleted already.' },
	'SDRS.1907': {
		explanation: 'The drill VPC is the VPC of the protection group: a drill must run in a VPC of its own, isolated from production.',
		fix: 'Pick another VPC, or let the service create a drill VPC.',
	},
	'SDRS.1908': { explanation: 'The drill VPC has no subnet.', fix: 'Add subnets with the protection group’s CIDR blocks to that VPC, or let the service create a drill VPC.' },
	'SDRS.1909': {
		explanation: 'The drill VPC lacks a subnet with the CIDR block of the protection group’s subnets.',
		fix: 'Add subnets with the same CIDR blocks as the group’s to that VPC, or let the service create a drill VPC.',
	},
	'SDRS.1910': {
		explanation: 'An IP address the drill servers need is already in use in the drill VPC.',
		fix: 'Free the addresses in the drill VPC’s subnets, or pick another VPC or let the service create one.',
	},
	'SDRS.1913': { explanation: 'The DR drill cannot be deleted in its current status.', fix: 'Wait until the drill is available, error or error-deleting (refresh its group), then delete it.' },
	'SDRS.1921': { explanation: 'The drill VPC is already used by a DR drill that is being created.', fix: 'Wait for that drill to be created, or pick another VPC.' },
	'SDRS.1922': {
		explanation: 'Creating the DR drill failed: its job ended in failure (often the drill VPC’s subnets: none, or none with the group’s CIDR blocks).',
		fix: 'Read the job’s reason, delete the failed drill, then start a drill again with a suitable VPC or let the service create one.',
	},
	'SDRS.1923': {
		explanation: 'Deleting the DR drill failed: its job ended in failure (the drill is error-deleting).',
		fix: 'Run Delete DR Drill again; if it fails again, check the drill servers in the ECS console or contact support.',
	},
	'SDRS.1928': { explanation: 'The drill VPC was not found in this project.', fix: 'Refresh the VPC list and pick a VPC that exists, or let the service create a drill VPC.' },
};

for (const code of ['SDRS.1911', 'SDRS.1912', 'SDRS.1914', 'SDRS.1915', 'SDRS.1916', 'SDRS.1917', 'SDRS.1918', 'SDRS.1919', 'SDRS.1920']) {
	DRILL_EXPLANATIONS[code] = INTERNAL;
}
for (const code of ['SDRS.1924', 'SDRS.1925', 'SDRS.1926', 'SDRS.1927', 'SDRS.1929', 'SDRS.1930']) {
	DRILL_EXPLANATIONS[code] = VPC_PROBLEM;
}
