/** Look-ups of people and obligations in the loaded configuration. Personal data stays here, out of workflow histories. */
import { FailureType } from '../domain/refusals';
import type { CycleKey } from '../domain/ids';
import { obligationOf, type ObligationConfig, type ObligationKind, type OrganisationConfig, type PeriodicDataCallConfig, type UnitConfig } from '../config/schema';

export class DirectoryError extends Error {
  override name = FailureType.directory;
}

export interface Directory {
  organisation(orgId: string): OrganisationConfig;
  /** A periodic data call, the obligation of cycles. */
  obligation(key: Pick<CycleKey, 'orgId' | 'obligationId'>): { org: OrganisationConfig; obligation: PeriodicDataCallConfig };
  /** An obligation of the given kind; the first of that kind when no id is given. */
  ofKind<K extends ObligationKind>(orgId: string, kind: K, obligationId?: string): { org: OrganisationConfig; obligation: Extract<ObligationConfig, { kind: K }> };
  unit(orgId: string, unitId: string): UnitConfig;
}

export function createDirectory(configs: readonly OrganisationConfig[]): Directory {
  const byId = new Map(configs.map((c) => [c.organisation.id, c]));
  const organisation = (orgId: string) => {
    const org = byId.get(orgId);
    if (!org) throw new DirectoryError(`No organisation "${orgId}" is loaded; known: ${[...byId.keys()].join(', ') || 'none'}.`);
    return org;
  };
  return {
    organisation,
    obligation({ orgId, obligationId }) {
      return this.ofKind(orgId, 'periodic-data-call', obligationId);
    },
    ofKind(orgId, kind, obligationId) {
      const org = organisation(orgId);
      try {
        return { org, obligation: obligationOf(org, kind, obligationId) };
      } catch (err) {
        throw new DirectoryError((err as Error).message);
      }
    },
    unit(orgId, unitId) {
      const unit = organisation(orgId).units.find((u) => u.id === unitId);
      if (!unit) throw new DirectoryError(`${orgId} has no unit "${unitId}" (was it removed from the configuration?).`);
      return unit;
    },
  };
}
