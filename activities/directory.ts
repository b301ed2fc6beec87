/** Look-ups of people and obligations in the loaded configuration. Personal data stays here, out of workflow histories. */
import type { CycleKey } from '../domain/ids';
import type { OrganisationConfig, PeriodicDataCallConfig, UnitConfig } from '../config/schema';

export class DirectoryError extends Error {
  override name = 'DirectoryError';
}

export interface Directory {
  organisation(orgId: string): OrganisationConfig;
  obligation(key: Pick<CycleKey, 'orgId' | 'obligationId'>): { org: OrganisationConfig; obligation: PeriodicDataCallConfig };
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
      const org = organisation(orgId);
      const obligation = org.obligations.find((o) => o.id === obligationId);
      if (!obligation) {
        throw new DirectoryError(`${orgId} has no obligation "${obligationId}"; known: ${org.obligations.map((o) => o.id).join(', ')}.`);
      }
      return { org, obligation };
    },
    unit(orgId, unitId) {
      const unit = organisation(orgId).units.find((u) => u.id === unitId);
      if (!unit) throw new DirectoryError(`${orgId} has no unit "${unitId}" (was it removed from the configuration?).`);
      return unit;
    },
  };
}
