/**
 * "Sometimes" counters, as Antithesis' sometimes-assertions: a run is only evidence for
 * the cases it actually exercised, so it counts them and the spec fails when a run of the
 * default size saw none of one kind (a generator or harness that drifted into delivering
 * everything in order, once, without a restart, would otherwise pass forever).
 *
 * Counted from the plan as delivered (a skipped publish is not a delivery):
 * - reordered: an account POSTed before its customer's creation arrived (the shell path),
 *   or two creations of one customer arriving latest-dated first;
 * - duplicated: a copy beyond the first of a POST or of a customer.created (Nats-Msg-Id
 *   duplicate or redelivery);
 * - acrossRestart: an account and its customer's creation delivered on different sides
 *   of the instance restart (the pending state had to survive it).
 */
import { DeliveryPlan } from './delivery-plan';

export interface Sometimes {
  reordered: number;
  duplicated: number;
  acrossRestart: number;
}

export const noneYet = (): Sometimes => ({ reordered: 0, duplicated: 0, acrossRestart: 0 });

export function countSometimes(plan: DeliveryPlan, skipped: ReadonlySet<string> = new Set()): Sometimes {
  const delivered = plan.deliveries.map((d, i) => ({ d, i })).filter(({ d }) => d.kind === 'post' || !skipped.has(d.creation.event));
  const firstPost = new Map<string, number>();
  const firstPublish = new Map<string, { at: number; customer: string; offsetMs: number }>();
  let duplicated = 0;
  for (const { d, i } of delivered) {
    const key = d.kind === 'post' ? d.opening.account : d.creation.event;
    const seen = d.kind === 'post' ? firstPost : firstPublish;
    if (seen.has(key)) duplicated++;
    else if (d.kind === 'post') firstPost.set(key, i);
    else firstPublish.set(key, { at: i, customer: d.creation.customer, offsetMs: d.creation.offsetMs });
  }
  let reordered = 0;
  let acrossRestart = 0;
  const side = (i: number): boolean => i >= plan.restart.before;
  const creations = [...firstPublish.values()];
  for (const o of plan.openings) {
    const posted = firstPost.get(o.account);
    if (posted === undefined) continue;
    for (const c of creations.filter((c) => c.customer === o.customer)) {
      if (posted < c.at) reordered++;
      if (side(posted) !== side(c.at)) acrossRestart++;
    }
  }
  for (const x of creations) for (const y of creations) if (x.customer === y.customer && x.at < y.at && x.offsetMs > y.offsetMs) reordered++;
  return { reordered, duplicated, acrossRestart };
}

export const addSometimes = (total: Sometimes, s: Sometimes): void => {
  total.reordered += s.reordered;
  total.duplicated += s.duplicated;
  total.acrossRestart += s.acrossRestart;
};
