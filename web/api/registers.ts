/** The policy's registers (projects, seminars, agreements, events, yearly goals and revisions), one module each. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext, ApiOptions } from './context';
import { agreementRoutes } from './agreements';
import { eventRoutes } from './events';
import { projectRoutes } from './projects';
import { seminarRoutes } from './seminars';
import { yearlyGoalsRoutes } from './yearly-goals';

export async function registerRoutes(app: FastifyInstance, options: { api: ApiContext; options: ApiOptions }) {
  await app.register(projectRoutes, options);
  await app.register(seminarRoutes, options);
  await app.register(agreementRoutes, options);
  await app.register(eventRoutes, options);
  await app.register(yearlyGoalsRoutes, options);
}
