// What the video API answers: the schemas of server/httpapi/openapi/videos.json and
// review.json, generated (src/openapi).
import type { Reply, Schemas } from '../openapi/types';

export type VersionState = Schemas['VideoVersion']['state'];

export type Asset = Schemas['VideoAsset'];
export type CaptionInfo = Schemas['VideoCaption'];
export type Version = Schemas['VideoVersion'];
export type Video = Schemas['Video'];
/** Someone tagged as appearing; only a confirmed tag counts (rule 7). */
export type Tag = Schemas['VideoTag'];

export type Audience = Schemas['VideoShare']['audience'];
/** Whether the video may reach an audience now, and why not. */
export type AudienceState = Schemas['VideoAudience'];
export type Share = Schemas['VideoShare'];

/** Who the video may reach, the panel's partners to choose from, every share. */
export type Sharing = Reply<'/api/videos/{id}/sharing', 'get'>;
/** Who approved a version, and its share request (null before one). */
export type Review = Reply<'/api/videos/{id}/versions/{number}/review', 'get'>;

/** A timecoded comment; a held or hidden one only its author and supervisors get (rule 5). */
export type VideoComment = Schemas['VideoComment'];

/** A video as an audience outside the group sees it (a share, an event link): what to play, nothing of the group's work. */
export type SharedVideo = Schemas['SharedVideo'];
