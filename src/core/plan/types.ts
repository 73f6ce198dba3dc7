import type { StepId, StepStatus } from './stepIds';
import type { StepResult } from './result';

export type Automation = 'automatic' | 'guided';

/** Where in the pod a person does a guided step; the path is appended to the pod URL. */
export interface DeepLink {
  label: string;
  /** Path on the pod host, e.g. /fscmUI/faces/FuseWelcome (navigation given in `navigation`). */
  path: string;
  /** Menu path the user follows after the link, e.g. "Navigator > Tools > Security Console > API Authentication". */
  navigation: string;
}

export interface Guidance {
  /** What to click, in order. */
  checklist: string[];
  deepLink?: DeepLink;
  /** What to write down as evidence when attesting. */
  record: string[];
  /** Cautions (LBAC / IP restrictions, quirks of Oracle's page). */
  cautions?: string[];
}

/** A step as the user sees it: data from the provider profile. */
export interface StepDefinition {
  id: StepId;
  title: string;
  /** What Oracle's documentation asks, in our own words. */
  oracleAsks: string;
  automation: Automation;
  dependsOn: StepId[];
  guidance: Guidance;
  /** Oracle Help Center page for this step. */
  docUrl: string;
}

export interface StepView {
  definition: StepDefinition;
  result?: StepResult;
}

export type { StepId, StepStatus, StepResult };
