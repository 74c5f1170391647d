// What the feedback rounds API sends: the schemas of server/httpapi/openapi/rounds.json,
// generated (src/openapi), and the lists the pages offer.
import type { Schemas } from '../openapi/types';

export type Stance = 'commit' | 'partly' | 'exploring' | 'decline';
export const stances: readonly Stance[] = ['commit', 'partly', 'exploring', 'decline'];
export type Reaction = 'clear' | 'not_clear' | 'want_more';
export const reactions: readonly Reaction[] = ['clear', 'not_clear', 'want_more'];
export type CommitmentStatus = 'planned' | 'in_progress' | 'done' | 'dropped';
export const commitmentStatuses: readonly CommitmentStatus[] = ['planned', 'in_progress', 'done', 'dropped'];
export type Rating = 'kept' | 'partly' | 'not_yet';
export const ratings: readonly Rating[] = ['kept', 'partly', 'not_yet'];
/** Moderation status of a text: youth see only approved ones. */
export type TextStatus = 'approved' | 'pending' | 'held' | 'changes_requested' | 'hidden';

export type RoundOrganisation = Schemas['RoundOrg'];
export type RoundItem = Schemas['RoundItem'];
export type Round = Schemas['Round'];
/** Who the caller is in the round, and what is due from them. */
export type RoundMe = Round['me'];
export type Action = Schemas['RoundAction'];

/** One action as a partner types it (it has an id once stored). */
export interface ActionInput {
  id?: string;
  text: string;
  dueDate: string;
}

/** What a partner types: draft and submit take the same body. */
export interface AnswerBody {
  stance: Stance | '';
  explanation: string;
  actions: ActionInput[];
  evidence: string[];
}

/** A body as the server keeps it (a draft may lack any part). */
export type SavedBody = Schemas['RoundAnswerBody'];

export type Revision = Schemas['RoundRevision'];
export type Reply = Schemas['RoundReply'];
/** A youth's question; its author by first name and country (rule 4). */
export type FollowUp = Schemas['RoundFollowUp'];
export type Answer = Schemas['RoundAnswer'];
/** A partner's own working copy of one item. */
export type Mine = Schemas['RoundWorkingCopy'];
export type Commitment = Schemas['Commitment'];
export type CommitmentUpdate = Commitment['updates'][number];
export type Scorecard = Schemas['Scorecard'];
export type Matrix = Schemas['RoundMatrix'];
export type MatrixCell = Matrix['cells'][number];

/** A partner's home: what was published to them, their rounds and commitments. */
export type PartnerHome = Schemas['PartnerHome'];
