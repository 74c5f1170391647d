// What the feedback rounds API sends (ROUNDS_API.md, server/httpapi/openapi/rounds.json).

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

export interface RoundOrganisation {
  id: string;
  name: string;
  deadline: string;
  extended: boolean;
}

export interface RoundItem {
  id: string;
  heading: string;
  text: string;
  summary: string;
  question?: string;
}

export interface RoundMe {
  role: 'coordinator' | 'moderator' | 'partner' | 'youth' | 'ambassador';
  organisationId?: string;
  deadline?: string;
  canAnswer?: boolean;
  unanswered?: number;
}

export interface Round {
  id: string;
  panelId: string;
  pledgeId: string;
  version: number;
  title: string;
  language: string;
  state: 'open' | 'closed';
  deadline: string;
  organisations: RoundOrganisation[];
  items: RoundItem[];
  createdAt: string;
  closedAt?: string;
  review?: { dueAt: string; openedAt: string };
  topic: string;
  /** Supervised live sessions scheduled with the round's partners, linked from it. */
  sessions?: { id: string; title: string; startsAt: string }[];
  me?: RoundMe;
}

export interface Action {
  id?: string;
  text: string;
  dueDate: string;
}

/** What a partner types: draft and submit take the same body. */
export interface AnswerBody {
  stance: Stance | '';
  explanation: string;
  actions: Action[];
  evidence: string[];
}

export interface Revision {
  revision: number;
  stance: Stance;
  explanation: string;
  actions: Action[];
  evidence: string[];
  submittedAt: string;
  late: boolean;
  status: TextStatus;
  by?: string;
}

export interface Reply {
  id: string;
  text: string;
  organisation: string;
  at: string;
  status: TextStatus;
}

export interface FollowUp {
  id: string;
  answerId: string;
  itemId: string;
  organisationId: string;
  text: string;
  /** First name and country (rule 4). */
  author: string;
  at: string;
  status: TextStatus;
  mine?: boolean;
  replies: Reply[];
}

export interface Answer {
  id: string;
  itemId: string;
  organisation: { id: string; name: string };
  stance: Stance;
  explanation: string;
  actions: Action[];
  evidence: string[];
  revision: number;
  late: boolean;
  submittedAt: string;
  status?: TextStatus;
  history?: Revision[];
  followUps?: FollowUp[];
  myReaction?: Reaction;
  reactions?: Partial<Record<Reaction, number>>;
}

/** A partner's own working copy of one item. */
export interface Mine {
  itemId: string;
  draft: AnswerBody | null;
  draftBy?: string;
  draftAt?: string;
  answer: Answer | null;
}

export interface CommitmentUpdate {
  id: string;
  status: CommitmentStatus;
  note: string;
  evidence: string[];
  at: string;
  moderation?: TextStatus;
}

export interface Commitment {
  id: string;
  roundId: string;
  itemId: string;
  organisation: { id: string; name: string };
  text: string;
  dueDate: string;
  status: CommitmentStatus;
  updates: CommitmentUpdate[];
  updatedForReview?: boolean;
  myRating?: { rating: Rating; reason?: string };
}

export interface Scorecard {
  roundId: string;
  organisation: { id: string; name: string };
  published: boolean;
  public: boolean;
  commitments: { id: string; itemHeading: string; text: string; status: CommitmentStatus; ratings: Partial<Record<Rating, number>>; reasons: string[] }[];
  totals: Partial<Record<Rating, number>>;
}

export interface MatrixCell {
  itemId: string;
  organisationId: string;
  stance: Stance | '';
  answered: boolean;
  late: boolean;
  status?: TextStatus;
  followUpsWaiting: number;
}

export interface Matrix {
  items: { id: string; heading: string }[];
  organisations: { id: string; name: string; deadline: string; late: boolean; unanswered: number }[];
  cells: MatrixCell[];
  counts: Partial<Record<Stance | 'unanswered', number>>;
  followUpsWaiting: number;
}

export interface PartnerHome {
  pledges: { pledgeId: string; panelId: string; title: string; language: string; version: number; publishedAt?: string }[];
  rounds: Round[];
  commitments: Commitment[];
}
