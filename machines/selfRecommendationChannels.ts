/**
 * The three channels a self-recommendation comes in through, and who holds each: the responsible
 * person of the official's Party organization, the Organization Department of the municipal
 * committee, or the main leaders. The holder of the channel passes the recommendation on (and may
 * not hold it back); the Organization Department's own channel needs no passing on.
 * Pure data and functions: nothing here touches a database or the clock.
 */
import { z } from 'zod';
import { officialId, sameOfficial } from './officials';
import type { Actor, Role } from './types';

/** The three channels: the responsible person of one's Party organization, the Organization Department, the main leaders. */
export const SELF_RECOMMENDATION_CHANNELS = ['partyOrganization', 'organizationDepartment', 'mainLeaders'] as const;
export type SelfRecommendationChannel = (typeof SELF_RECOMMENDATION_CHANNELS)[number];

/** The role that holds each channel. */
export const CHANNEL_HOLDER_ROLES: Readonly<Record<SelfRecommendationChannel, Role>> = {
  partyOrganization: 'partyOrganizationHead',
  organizationDepartment: 'organizationDepartment',
  mainLeaders: 'mainLeader',
};

/** How a caseworker names each channel. */
export const CHANNEL_NAMES: Readonly<Record<SelfRecommendationChannel, string>> = {
  partyOrganization: 'the responsible person of the Party organization',
  organizationDepartment: 'the Organization Department',
  mainLeaders: 'the main leaders',
};

/** Channels whose holder must pass the recommendation on: every one but the Organization Department's own. */
export const passedOn = (channel: SelfRecommendationChannel): boolean => channel !== 'organizationDepartment';

/** The channel field of the opening input. */
export const channel = z.enum(SELF_RECOMMENDATION_CHANNELS, {
  error: `the channel must be one of: ${SELF_RECOMMENDATION_CHANNELS.join(', ')}`,
});

/** The person who holds the channel (their official id): required when the channel passes the recommendation on. */
export const channelHolderId = officialId('the channel holder’s id').optional();

/**
 * The input rule that a channel which passes the recommendation on names its holder, and the Organization
 * Department's own channel names none: added to the input schema with `superRefine`.
 */
export function checkChannelHolder(input: { channel: SelfRecommendationChannel; channelHolderId?: string | undefined }, ctx: z.RefinementCtx): void {
  if (passedOn(input.channel) && input.channelHolderId === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['channelHolderId'],
      message: `a self-recommendation through ${CHANNEL_NAMES[input.channel]} names the person who holds the channel (channelHolderId), who must pass it on`,
    });
  if (!passedOn(input.channel) && input.channelHolderId !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['channelHolderId'],
      message: 'a self-recommendation made to the Organization Department goes straight to the eligibility check: leave out channelHolderId',
    });
}

/**
 * True when `actor` holds the channel the case came through: the channel's role and, when the case
 * names its holder, that very person.
 */
export function holdsChannel(context: { channel: SelfRecommendationChannel; channelHolderId: string | null }, actor: Actor): boolean {
  if (actor.role !== CHANNEL_HOLDER_ROLES[context.channel]) return false;
  return context.channelHolderId === null || sameOfficial(actor.id, context.channelHolderId);
}
