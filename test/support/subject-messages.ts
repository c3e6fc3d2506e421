import type { TestSystem } from './system';

/**
 * The messages of one exact subject, or [] when it has none. TestSystem.streamMessages
 * with a filter that matches nothing would wait for a message that never comes; the
 * stream's per-subject counts tell first whether there is anything to read.
 */
export async function subjectMessages(system: TestSystem, stream: string, subject: string): ReturnType<TestSystem['streamMessages']> {
  const info = await system.jsm.streams.info(stream, { subjects_filter: subject });
  if (!info.state.subjects?.[subject]) return [];
  return system.streamMessages(stream, subject);
}
