// What a batch needs from the rest of the engine: the store, clients, ports and settings, the one
// heartbeat, a way to record what was sent, and the follower for a lost answer. Nothing more.
import type { SdrsClient } from '../client';
import type { Reconciled } from '../follower';
import type { Heartbeat } from '../heartbeat';
import type { JobStore } from '../jobStore';
import type { JobOutcome } from '../jobTracker';
import type { Logger } from '../logger';
import type { GroupRead, Ports } from '../ports';
import type { Sent, StoredJob } from '../records';

export interface BatchDeps {
	store: JobStore;
	clientFor(profileId: string): SdrsClient | undefined;
	ports: Ports;
	log: Logger;
	jobTimeoutMs(): number;
	heartbeatMs?: number;
	maxConcurrentRequests?(): number;
	random?: () => number;
	heartbeat: Heartbeat;
	announce(read: GroupRead): void;
	/** The record of a POST just sent (no job id: a lost answer). */
	record(sent: Sent): StoredJob;
	/** Follows one job (a lost answer) with these ports, to its end. */
	followQuietly(job: StoredJob, ports: Ports): Promise<JobOutcome | Reconciled | undefined>;
}

/** A batch being sent or followed by this window. */
export interface Run {
	batchId: string;
	/** The user pressed Stop: nothing more is sent. */
	stop: AbortController;
	/** The window goes away: stop following (the record stays). */
	closing: AbortController;
	sending: boolean;
	/** Another window took the batch over: this one sends and reports nothing more. */
	lost: boolean;
	/** The service refused the keys: nothing more is sent. */
	authFailed: boolean;
	wake?: () => void;
}
