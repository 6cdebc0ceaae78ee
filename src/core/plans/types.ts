// Recovery plans (issue 23): a DR procedure written down as a file in the user's repository
// (`*.sdrs-plan.json`), checked, rehearsed with DR drills and run step by step by the engine.
// These are the plan's types: the file as parsed (Plan, with where each part is in the text, for
// the Problems panel), the plan resolved against the service (ResolvedPlan: every group found),
// and a run as the store keeps it (StoredPlanRun: so a reload resumes it where it was).
//
// A plan is hostile input (it comes from a repository): it only names a profile, a project,
// groups and words. It can name no endpoint, key or command; its words are shown as text only.
import type { ActionKind } from '../actions';
import type { CheckResult } from '../checks';
import type { Project, ProtectionGroup } from '../model';
import type { ActionTarget } from '../ports';
import type { EntryResult } from '../records';

/** Where a part of the plan is in the file: character offset and length (the UI makes a Range). */
export interface Span {
	offset: number;
	length: number;
}

/** A name in the plan and where it is written. */
export interface Named {
	value: string;
	span: Span;
}

export type PlanStep =
	/** A set of protection groups switched together (one batch), by name or id. */
	| { kind: 'groups'; label?: string; groups: Named[]; span: Span }
	/** A pause, in seconds. */
	| { kind: 'wait'; label?: string; seconds: number; span: Span }
	/** A question for a person; the run pauses until they continue (or stop). */
	| { kind: 'prompt'; label?: string; text: string; span: Span };

export interface Plan {
	name: string;
	description?: string;
	/** A profile's name as shown in the Protection Groups view; none: the default profile. */
	profile?: Named;
	/** The project (region or sub-project) by name or id. */
	project: Named;
	steps: PlanStep[];
}

/** What is wrong with a plan, with where (a schema error, an unknown group): the Problems panel. */
export interface PlanProblem {
	code: PlanProblemCode;
	/** English, for logs and tests; the UI words `code` with `args`. */
	message: string;
	args: Record<string, string | number>;
	span: Span;
	severity: 'error' | 'warning';
}

export type PlanProblemCode =
	| 'syntax'
	| 'notObject'
	| 'missing'
	| 'unknownField'
	| 'duplicateField'
	| 'wrongType'
	| 'empty'
	| 'tooLong'
	| 'stepKind'
	| 'waitRange'
	| 'tooManyGroups'
	| 'duplicateGroup'
	| 'unknownProfile'
	| 'unknownProject'
	| 'unknownGroup'
	| 'ambiguousGroup'
	| 'unreadable';

/** The modes a plan runs in; `drill` rehearses it (a DR drill for every group). */
export type PlanMode = Extract<ActionKind, 'plannedFailover' | 'failover' | 'enableAgain'> | 'drill';

export type ResolvedStep = { kind: 'groups'; label?: string; targets: ActionTarget[] } | { kind: 'wait'; label?: string; seconds: number } | { kind: 'prompt'; label?: string; text: string };

/** A plan whose profile, project and every group were found. */
export interface ResolvedPlan {
	name: string;
	/** Where the plan came from (shown; never opened by the engine). */
	source: string;
	profileId: string;
	project: Project;
	steps: ResolvedStep[];
}

/** One group of a step as a run records it. */
export interface RunGroup {
	projectId: string;
	groupId: string;
	groupName: string;
	/** The group as read when the step was planned. */
	before?: Pick<ProtectionGroup, 'status' | 'priorityStation' | 'updatedAt'>;
	/** Why it was not sent (its pre-flight checks, in English for the log). */
	skipped?: string;
	/** The same, as facts the report words in the user's language (none in older records). */
	skippedBy?: SkippedBy;
	jobId?: string;
	/** Kept when the job ended, so the report never depends on the job list's pruning. */
	result?: EntryResult;
	/** Drill mode: the drill created (id once known), its drill servers' names, and when Clean Up deleted it (or found it gone). */
	drill?: { name: string; id?: string; servers?: string[]; deletedAt?: number };
	/** How the group's part of the step ended (the report words it); none while it runs. */
	end?: GroupEnd;
	/** refused / unsent: the service's message or why it was not sent (English, for the log; server text). */
	error?: string;
	errorCode?: string;
}

/** Why a group was skipped: its failed pre-flight checks, a read that failed (server text), or a batch's limit. */
export interface SkippedBy {
	checks?: CheckResult[];
	readError?: string;
	overLimit?: boolean;
}

/** Why a group of a run has no job outcome, when it is none of the batch's UNSENT reasons (English, for the log; the report words them). */
export const RUN_REASON = {
	jobGone: 'the job record is gone',
	batchGone: 'the batch record is gone',
	notInBatch: 'not in the batch',
	drillOnTheWire: 'the window closed while its DR drill was being sent: look at the group’s DR drills',
	noEnd: 'no end was recorded for it: look at the group’s DR drills',
	stoppedByUser: 'stopped by the user',
	abandonedByUser: 'abandoned by the user',
} as const;

/** How one group of a step ended: a job's outcome, a POST refused, never sent, or skipped by its checks. */
export type GroupEnd = 'succeeded' | 'failed' | 'refused' | 'notApplied' | 'notFollowed' | 'unsent' | 'skipped';

export type RunStepState = 'pending' | 'running' | 'done' | 'failed' | 'halted' | 'skipped';

export interface RunStep {
	kind: ResolvedStep['kind'];
	label?: string;
	state: RunStepState;
	groups?: RunGroup[];
	seconds?: number;
	text?: string;
	/** Group steps in action modes: the batch that sent the step. */
	batchId?: string;
	startedAt?: number;
	endedAt?: number;
	/** The last of the step's groups reached its end (the step's achieved RTO: this − confirmedAt). */
	lastGroupEndAt?: number;
}

/** A plan run, recorded before anything is sent, so a reload resumes it (never a new step without the user). */
export interface StoredPlanRun {
	runId: string;
	planName: string;
	source: string;
	mode: PlanMode;
	profile: string;
	projectId: string;
	projectName: string;
	region: string;
	account?: string;
	/** When the user confirmed (RTOs count from here). */
	confirmedAt: number;
	steps: RunStep[];
	/** The step being run (or the next one, while paused). */
	current: number;
	/** `paused`: interrupted (a reload) or waiting at a prompt; it goes on only when the user says so. */
	state: 'running' | 'paused' | 'stopped' | 'halted' | 'ended';
	endedAt?: number;
	/** Why the run halted (planned failover: the first failure), in English for the log. */
	haltReason?: string;
	/** The same as facts the report words: the step (1-based) and why (none in older records). */
	halt?: { step: number; why: 'firstFailure' | 'inFlight' | 'endUnknown' };
	lease?: { owner: string; until: number };
	reportedBy?: string;
	/** The user pressed Stop (in any window): nothing more is started. */
	stopRequested?: boolean;
	/** Drill mode: when Clean Up Drills deleted the drills this rehearsal created (the report stops reminding). */
	cleanedUpAt?: number;
}
