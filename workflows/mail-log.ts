/**
 * What became of the mails a registered entity's workflow sends (a project's goals requests, an
 * event's notices, an agreement's reminders): a mail that could not be rendered, or that the
 * server refused for good, is kept as a problem until it is sent again. The workflow counts a mail
 * as sent only when it reached someone; the problems show in its status, its history, the register
 * (so on the overview) and can be sent again once the cause is fixed (resendMailUpdate).
 */
import type { MailingResult } from '../domain/types';
import type { EntityMailProblem } from '../domain/registers';
import { activityProblem } from './retry';

/** One mailing as the workflow asked for it, to ask for it again with the same Message-ID. */
export interface Mailing<K extends string> {
  kind: K;
  sequence: number;
  /** What the mail said beyond the entity itself (a return's comment, a cancellation's reason). */
  note?: string;
}

export interface MailLog<K extends string> {
  readonly problems: EntityMailProblem[];
  /**
   * Sends `mailing` and notes what became of it; whether it reached anyone. An activity that gave
   * up is a problem too, never a failed workflow.
   */
  send(mailing: Mailing<K>, at: string): Promise<boolean>;
  /**
   * Sends each mailing with a problem again, with its Message-ID, to everyone it is for now but
   * those who already have it (an address corrected since reaches the corrected one); the
   * mailings that now reached someone.
   */
  sendAgain(at: string): Promise<Mailing<K>[]>;
}

/**
 * `show` gets the problems after every mailing, to keep in the workflow's status (none: undefined,
 * so that a status without problems looks as it did before they were kept).
 */
export function mailLog<K extends string>(deliver: (mailing: Mailing<K>, at: string, skip?: string[]) => Promise<MailingResult>, show: (problems: EntityMailProblem[] | undefined) => void): MailLog<K> {
  const problems: EntityMailProblem[] = [];
  /** Who already has each mailing: a second try skips them. */
  const reached = new Map<string, string[]>();
  const keyOf = (m: Mailing<K>) => `${m.kind}.${m.sequence}`;
  const same = (p: EntityMailProblem, m: Mailing<K>) => p.kind === m.kind && p.sequence === m.sequence;
  const forget = (m: Mailing<K>) => {
    for (let i = problems.length - 1; i >= 0; i--) if (same(problems[i]!, m)) problems.splice(i, 1);
  };
  const send = async (mailing: Mailing<K>, at: string, skip?: string[]) => {
    const arrived = await attempt(mailing, at, skip);
    show(problems.length ? [...problems] : undefined);
    return arrived;
  };
  const attempt = async (mailing: Mailing<K>, at: string, skip?: string[]) => {
    let result: MailingResult;
    try {
      result = await deliver(mailing, at, skip);
    } catch (err) {
      const cause = activityProblem(err);
      if (cause === undefined) throw err;
      forget(mailing);
      problems.push({ kind: mailing.kind, sequence: mailing.sequence, ...(mailing.note !== undefined ? { note: mailing.note } : {}), at, error: cause, state: 'failed' });
      return false;
    }
    // Histories recorded before mail went person by person carry no outcomes: all went out.
    const outcomes = result.outcomes ?? [];
    forget(mailing);
    const delivered = outcomes.filter((o) => o.state === 'delivered').map((o) => o.address);
    if (delivered.length) reached.set(keyOf(mailing), [...(reached.get(keyOf(mailing)) ?? []), ...delivered]);
    for (const o of outcomes) {
      if (o.state === 'failed' || o.state === 'refused') problems.push({ kind: mailing.kind, sequence: mailing.sequence, ...(mailing.note !== undefined ? { note: mailing.note } : {}), at, error: o.detail ?? o.state, address: o.address, state: o.state });
    }
    return !result.outcomes || delivered.length > 0;
  };
  return {
    problems,
    send: (mailing, at) => send(mailing, at),
    async sendAgain(at) {
      const mailings = new Map<string, Mailing<K>>();
      for (const p of problems) mailings.set(`${p.kind}.${p.sequence}`, { kind: p.kind as K, sequence: p.sequence, ...(p.note !== undefined ? { note: p.note } : {}) });
      const sent: Mailing<K>[] = [];
      for (const mailing of mailings.values()) if (await send(mailing, at, reached.get(keyOf(mailing)))) sent.push(mailing);
      return sent;
    },
  };
}
