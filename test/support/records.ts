// A stored job as the unit tests need one: the fields every record has, and what a test sets.
import type { StoredJob } from '../../src/core/records';

export const storedJob = (jobId: string, extra: Partial<StoredJob> = {}): StoredJob => ({
	jobId,
	profile: 'p',
	projectId: 'pr',
	projectName: 'r',
	region: 'r',
	groupId: `g-${jobId}`,
	groupName: 'g',
	action: 'enable',
	startedAt: 1,
	...extra,
});
