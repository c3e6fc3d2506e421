import type { Scenario } from '../scenario';

/** What the onboarding service answers for one scenario (the HTTP status and body of POST /scenarios). */
export interface OnboardingAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One coordinated design behind POST /scenarios: sync (temporal order) or twopc (two-phase commit). */
export interface OnboardingDesign {
  open(s: Scenario): Promise<OnboardingAnswer>;
  close(): Promise<void>;
}

export const ONBOARDING_DESIGN = Symbol('ONBOARDING_DESIGN');
