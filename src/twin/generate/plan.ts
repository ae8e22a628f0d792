import type { DatasetSize } from '../dataset.js'
import type { Draft } from './context.js'
import type { ZoneInfo } from './names.js'

/** How big one organization is. */
export interface OrgSize {
  /** Active members, the owner included. */
  readonly users: number
  readonly projects: number
  readonly tasksPerProject: readonly [min: number, max: number]
  readonly teams: number
  readonly clients: number
}

export interface SizePlan {
  /** The first organization is the main one (the token's user owns it); the others are smaller. */
  readonly orgs: readonly OrgSize[]
  /** Days of tracked time back from today (activities, screenshots, notes): within the 6-month history. */
  readonly activityDays: number
  /** Days of app and URL usage: Hubstaff keeps a month. */
  readonly toolDays: number
  /** Days of screenshots (they cost the most memory per slot). */
  readonly screenshotDays: number
}

export const SIZES: Readonly<Record<DatasetSize, SizePlan>> = {
  small: {
    orgs: [
      { users: 6, projects: 4, tasksPerProject: [7, 9], teams: 2, clients: 2 },
      { users: 3, projects: 1, tasksPerProject: [6, 6], teams: 1, clients: 1 },
    ],
    // Three weeks: one whole week is always approved and paid, whatever weekday it is today.
    activityDays: 21,
    toolDays: 14,
    screenshotDays: 14,
  },
  medium: {
    orgs: [
      { users: 30, projects: 14, tasksPerProject: [10, 16], teams: 4, clients: 5 },
      { users: 10, projects: 5, tasksPerProject: [6, 10], teams: 2, clients: 2 },
      { users: 4, projects: 2, tasksPerProject: [4, 6], teams: 1, clients: 1 },
    ],
    activityDays: 45,
    toolDays: 31,
    screenshotDays: 45,
  },
  large: {
    orgs: [
      { users: 100, projects: 40, tasksPerProject: [12, 20], teams: 8, clients: 12 },
      { users: 30, projects: 12, tasksPerProject: [8, 14], teams: 4, clients: 4 },
      { users: 10, projects: 4, tasksPerProject: [5, 8], teams: 1, clients: 1 },
    ],
    activityDays: 62,
    toolDays: 31,
    screenshotDays: 31,
  },
}

export type DesktopClient = 'windows' | 'mac' | 'linux'
export type TrackingClient = DesktopClient | 'android' | 'ios'

/** A person and how they work: the habits every tracked slot of theirs is drawn from. */
export interface Person {
  readonly user: Draft
  readonly id: number
  readonly first: string
  readonly last: string
  readonly zone: ZoneInfo
  /** Local minute of the day they usually start. */
  readonly startMinute: number
  /** Hours tracked on a usual day. */
  readonly dayHours: number
  /** Share of tracked time with keyboard or mouse input, 0..1. */
  readonly activity: number
  readonly client: TrackingClient
  /** Chance of working on a Saturday or Sunday. */
  readonly weekendChance: number
  /**
   * Works every one of the last days, weekends too, in a zone where it is afternoon at `now`: so
   * that today and the past week always hold tracked time, whatever day and hour `now` is.
   */
  readonly everyDay?: boolean
  readonly joinedMs: number
  /** Screens of their desktop (a screenshot per screen per slot). */
  readonly screens: number
}

/** One person's place in one organization. */
export interface Membership {
  readonly person: Person
  readonly member: Draft
  readonly role: 'owner' | 'manager' | 'user'
  /** False for the removed and the view-only: they track nothing. */
  readonly tracks: boolean
  /** Projects they can track on, with the tasks they would pick. */
  readonly work: { readonly project: Draft; readonly tasks: Draft[] }[]
}

export interface OrgPlan {
  readonly org: Draft
  readonly id: number
  readonly domain: string
  readonly zone: ZoneInfo
  readonly createdMs: number
  readonly owner: Person
  readonly members: Membership[]
  readonly projects: Draft[]
  readonly tasks: Draft[]
  readonly teams: Draft[]
  readonly clients: Draft[]
}
