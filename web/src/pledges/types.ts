// What the pledge API sends: the schemas of server/httpapi/openapi/pledges.json,
// generated (src/openapi), and the answers made of them.
import type { Schemas } from '../openapi/types';

export type PledgeState = Schemas['Pledge']['state'];
export type ItemField = Schemas['Amendment']['field'];
export const itemFields: readonly ItemField[] = ['heading', 'text', 'summary'];

export type Pledge = Schemas['Pledge'];
export type PledgeSummary = Schemas['PledgeSummary'];
/**
 * An item. Its hits are what screening finds in its texts now, by field (a
 * clean field is absent), as UTF-8 byte offsets into that field's text. Items
 * are not held, but a pledge with hits goes neither to review nor to partners.
 */
export type PledgeItem = Schemas['PledgeItem'];

/** Which controls to show: the server checks every action again. */
export type Abilities = Schemas['PledgeAbilities'];

/** GET /api/pledges/:id for someone who may see the draft. */
export type PledgeDetail = Schemas['PledgeDetail'];

export type Anchor = Schemas['Anchor'];
/** A comment; held (by screening or a moderator) only its author and moderators get it (rule 5). */
export type PledgeComment = Schemas['PledgeComment'];
/** What screening found, as UTF-8 byte offsets into the text. */
export type ScreeningHit = Schemas['ScreeningHit'];
/** A proposed change; a held one cannot be accepted. */
export type Amendment = Schemas['Amendment'];
export type Revision = Schemas['PledgeRevision'];
export type ReadabilityReport = Schemas['ReadabilityReport'];

/** A frozen version of a pledge (what partners read once a moderator published it). */
export type PledgeVersion = Schemas['PledgeVersion'];
/** An item as frozen in a version; its summary may be empty. */
export type VersionItem = PledgeVersion['items'][number];

/** GET /api/pledges/:id for someone who may see only published versions (partners). */
export type PublishedDetail = Schemas['PublishedDetail'];

/** A published pledge one may read (GET /api/published-pledges). */
export type PublishedPledge = Schemas['PublishedPledge'];
