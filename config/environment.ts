/**
 * Hosts and secrets come from the environment, never from the organisation's file. Parsed once per
 * entry point and passed down frozen.
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * The checkout or release: where package.json, templates/ and .data/ are. The code is one level
 * below it, or two when run from the build in dist/.
 */
const codeRoot = path.resolve(__dirname, '..');
export const PROJECT_ROOT = existsSync(path.join(codeRoot, 'package.json')) ? codeRoot : path.resolve(codeRoot, '..');

const url = (protocols: string[]) =>
  z
    .string()
    .max(2000)
    .refine((s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const environmentSchema = z.object({
  FOLLOWUP_CONFIG: z.string().max(1000).default(path.join(PROJECT_ROOT, 'config/examples/solna.yaml')),
  TEMPORAL_ADDRESS: z.string().max(300).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().max(200).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().max(200).default('policy-followup'),
  SMTP_URL: url(['smtp:', 'smtps:']).default('smtp://127.0.0.1:2525'),
  PUBLIC_BASE_URL: url(['http:', 'https:']).default('http://localhost:3000'),
  FOLLOWUP_ARCHIVE_DIR: z.string().max(1000).default(path.join(PROJECT_ROOT, '.data/archive')),
  FOLLOWUP_DATA_DIR: z.string().max(1000).default(path.join(PROJECT_ROOT, '.data')),
  /**
   * The database of record on PostgreSQL, e.g. postgresql://followup:PASSWORD@db.example:5432/followup?sslmode=require.
   * Unset, `npm start` runs an embedded one (PGlite, under FOLLOWUP_DATA_DIR/records).
   */
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /** Where `npm start` serves its embedded records database to the CLI, on loopback: beside Temporal's 7233. */
  FOLLOWUP_RECORDS_PORT: z.coerce.number().int().min(0).max(65535).default(7235),
  /** Signs the answer links in mails and the web's cookies. `npm start` makes one under .data/ when unset. */
  FOLLOWUP_LINK_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -base64 48)').max(500).optional(),
  /** The secretariat's login: a hash made by `followup web hash-password`. */
  FOLLOWUP_SECRETARIAT_PASSWORD_HASH: z.string().regex(/^scrypt\$/, 'must be a hash made by "followup web hash-password"').max(500).optional(),
  /**
   * Single sign-on through the organisation's OpenID Provider (Microsoft Entra ID:
   * https://login.microsoftonline.com/<tenant-id>/v2.0). Set with the client id and secret to show
   * the button on the sign-in page.
   */
  FOLLOWUP_OIDC_ISSUER: url(['https:', 'http:']).optional(),
  FOLLOWUP_OIDC_CLIENT_ID: z.string().max(200).optional(),
  FOLLOWUP_OIDC_CLIENT_SECRET: z.string().max(500).optional(),
  /** The claim with the person's roles (Entra's app roles: "roles"), and the values that give each role. */
  FOLLOWUP_OIDC_ROLE_CLAIM: z.string().max(100).default('roles'),
  FOLLOWUP_OIDC_SECRETARIAT_ROLES: z.string().max(500).default('Followup.Secretariat'),
  FOLLOWUP_OIDC_READER_ROLES: z.string().max(500).default('Followup.Reader'),
  /** The sign-in button's text, e.g. "Logga in med ditt Solna-konto". */
  FOLLOWUP_OIDC_LABEL: z.string().max(100).optional(),
  /**
   * Systems with an identity at the same provider reach the HTTP API with its access tokens (client
   * credentials): the audiences taken (default: FOLLOWUP_OIDC_CLIENT_ID and api://<it>), the app
   * roles that let an application read and act, and the integrations' names by their application
   * id, "APP_ID=NAME" or "APP_ID=NAME@ORG" where one deployment serves several, comma-separated.
   */
  FOLLOWUP_API_AUDIENCES: z.string().max(1000).optional(),
  FOLLOWUP_API_READER_ROLES: z.string().max(500).default('Followup.Read'),
  FOLLOWUP_API_SECRETARIAT_ROLES: z.string().max(500).default('Followup.Write'),
  FOLLOWUP_API_CLIENTS: z.string().max(10_000).optional(),
  /**
   * ClamAV's clamd, which scans every file attached to an answer: its socket's path
   * (/run/clamav/clamd.ctl, Debian's clamav-daemon) or host:port (127.0.0.1:3310). A config with a
   * file field needs it: without a scanner no file is taken.
   */
  FOLLOWUP_CLAMD: z
    .string()
    .max(500)
    .regex(/^(\/.+|[\w.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})$/, 'must be the path of clamd\'s socket (/run/clamav/clamd.ctl) or host:port (127.0.0.1:3310)')
    .optional(),
  FOLLOWUP_WEB_HOST: z.string().max(200).default('127.0.0.1'),
  /**
   * Behind a reverse proxy: which proxies to believe about the client's own address, as their
   * addresses or networks (10.0.0.1, 10.0.0.0/8, comma-separated), or a number of hops where the
   * web listens on the proxy's network only. Unset: none, and the connection's own address is the
   * client's. Never "true": every client could then name its own address and dodge the limits.
   */
  FOLLOWUP_TRUST_PROXY: z
    .string()
    .max(500)
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? undefined : trustProxyProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((raw) => {
      const v = raw?.trim();
      if (!v || v === 'false' || /^0+$/.test(v)) return undefined;
      return /^\d+$/.test(v) ? Number(v) : v;
    }),
  FOLLOWUP_WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Workflows kept in the worker's memory between tasks; fewer means less RSS and more replays. A
   * unit replays in milliseconds: at 5,800 units 250 took 100 MB off the worker's peak against 500,
   * at the same speed (README, Performance).
   */
  FOLLOWUP_WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  /**
   * Workflow tasks a worker takes from the server at once (Temporal's default is 40). Its workflows
   * run one task at a time on one thread, so the rest only wait inside the worker, with the histories
   * of the replayed ones in memory; 10 leave the queue on the server, where unit tasks go after the
   * cycle's. At 5,800 units a task ran in 68–73 ms on average instead of 245; how long the units
   * took to start and an answer's p99 moved less than the machine does from run to run (README,
   * Performance).
   */
  FOLLOWUP_WORKER_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1000).default(10),
  /**
   * Activities (mostly mailings) a worker runs at once (Temporal's default is 100). Mail leaves over
   * five pooled SMTP connections; more at once only hold rendered mails in memory while they wait.
   */
  FOLLOWUP_WORKER_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Threads the worker runs workflow tasks on (Temporal's default with its reusable V8 context: 1).
   * One thread is one core: on a machine with cores to spare, 2 let a cycle's units start and take
   * answers sooner, for about 55 MB more (docs/performance.md).
   */
  FOLLOWUP_WORKER_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  /**
   * Mails a worker hands to SMTP_URL a minute at most, evenly spaced (the relay's limit, e.g. 600
   * for ten a second): more wait their turn in the worker instead of being refused. Unset: as fast
   * as the five pooled connections go. With several workers, each keeps to it.
   */
  FOLLOWUP_MAIL_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Whether a starting worker brings the Temporal Schedules in line with the config (followup schedules sync). */
  FOLLOWUP_SYNC_SCHEDULES: z.enum(['on', 'off']).default('on'),
  /** Where a worker serves its Temporal metrics for Prometheus (host:port, path /metrics); none when unset. */
  FOLLOWUP_METRICS_ADDRESS: z
    .string()
    .max(300)
    .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port, for example 127.0.0.1:9464')
    .optional(),
});

export type Environment = Readonly<z.infer<typeof environmentSchema>>;

const SET_PROXY_ADDRESSES = "set the reverse proxy's own addresses or networks instead, comma-separated (FOLLOWUP_TRUST_PROXY=10.0.0.5 or 10.0.0.0/24), or unset it where no proxy stands in front";

/** Why a FOLLOWUP_TRUST_PROXY value cannot be used, with what to set instead; undefined when it can. */
function trustProxyProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === '' || v === 'false' || /^\d{1,2}$/.test(v)) return undefined;
  if (v.toLowerCase() === 'true') return `"true" would believe every client about its own address (X-Forwarded-For), so anyone could dodge the sign-in limit; ${SET_PROXY_ADDRESSES}`;
  for (const entry of v.split(',').map((e) => e.trim())) {
    const [address = '', prefix, extra] = entry.split('/');
    const version = isIP(address);
    const bits = version === 4 ? 32 : 128;
    if (!version || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || Number(prefix) > bits) {
      return `"${entry}" is no address, network (CIDR) or number of hops; ${SET_PROXY_ADDRESSES}`;
    }
    // A network of every address believes every client, as "true" would.
    if (prefix !== undefined && Number(prefix) === 0) return `"${entry}" takes in every address, so anyone could dodge the sign-in limit; ${SET_PROXY_ADDRESSES}`;
  }
  return undefined;
}

/** 0.0.0.0, :: and the like: every interface, the internet's side too where the host has one. */
const listensEverywhere = (host: string) => {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  return bare === '' || bare === '0.0.0.0' || (isIP(bare) === 6 && /^[0:]+$/.test(bare));
};

/**
 * A hop count believes whatever the connecting machine says: safe only where nothing but the proxy
 * can connect, so not with the web listening on every interface.
 */
const schemaWithChecks = environmentSchema.superRefine((env, ctx) => {
  if (typeof env.FOLLOWUP_TRUST_PROXY === 'number' && listensEverywhere(env.FOLLOWUP_WEB_HOST)) {
    ctx.addIssue({
      code: 'custom',
      path: ['FOLLOWUP_TRUST_PROXY'],
      message: `a number of hops (${env.FOLLOWUP_TRUST_PROXY}) believes whoever connects, and FOLLOWUP_WEB_HOST=${env.FOLLOWUP_WEB_HOST} lets every client connect directly and name its own address; bind FOLLOWUP_WEB_HOST to the proxy's network only, or ${SET_PROXY_ADDRESSES}`,
    });
  }
});

const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

/** The single sign-on settings, when the environment sets them; all three parts or none. */
export function singleSignOnOf(env: Environment) {
  const { FOLLOWUP_OIDC_ISSUER: issuer, FOLLOWUP_OIDC_CLIENT_ID: clientId, FOLLOWUP_OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer && !clientId && !clientSecret) return undefined;
  if (!issuer || !clientId || !clientSecret) {
    throw new EnvironmentError('Single sign-on needs FOLLOWUP_OIDC_ISSUER, FOLLOWUP_OIDC_CLIENT_ID and FOLLOWUP_OIDC_CLIENT_SECRET together; set all three or none.');
  }
  return {
    issuer,
    clientId,
    clientSecret,
    roleClaim: env.FOLLOWUP_OIDC_ROLE_CLAIM,
    secretariatValues: list(env.FOLLOWUP_OIDC_SECRETARIAT_ROLES),
    readerValues: list(env.FOLLOWUP_OIDC_READER_ROLES),
    label: env.FOLLOWUP_OIDC_LABEL,
    applications: {
      audiences: env.FOLLOWUP_API_AUDIENCES ? list(env.FOLLOWUP_API_AUDIENCES) : [clientId, `api://${clientId}`],
      readerRoles: list(env.FOLLOWUP_API_READER_ROLES),
      secretariatRoles: list(env.FOLLOWUP_API_SECRETARIAT_ROLES),
      clients: apiClientsOf(env.FOLLOWUP_API_CLIENTS ?? ''),
    },
  };
}

/** FOLLOWUP_API_CLIENTS: "APP_ID=NAME" or "APP_ID=NAME@ORG", comma-separated. */
function apiClientsOf(value: string): { appId: string; name: string; organisations?: string[] }[] {
  return list(value).map((entry) => {
    const match = /^([^=\s]+)\s*=\s*([^@]+?)\s*(?:@\s*([a-z0-9][a-z0-9-]*))?$/.exec(entry);
    if (!match) throw new EnvironmentError(`FOLLOWUP_API_CLIENTS: "${entry}" is not APP_ID=NAME or APP_ID=NAME@ORG (the application's id in the identity provider, the name the audit log shows, and where one deployment serves several, the organisation it reaches).`);
    return { appId: match[1]!, name: match[2]!, ...(match[3] ? { organisations: [match[3]] } : {}) };
  });
}

export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** A secret that production must be given; the message says how to make one. */
export function requireSetting<K extends 'FOLLOWUP_LINK_SECRET' | 'FOLLOWUP_SECRETARIAT_PASSWORD_HASH'>(env: Environment, name: K): string {
  const value = env[name];
  if (!value) {
    const how = name === 'FOLLOWUP_LINK_SECRET' ? 'generate one with: openssl rand -base64 48' : 'make one with: followup web hash-password';
    throw new EnvironmentError(`${name} is not set; ${how}`);
  }
  return value;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const result = schemaWithChecks.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvironmentError(`The environment is not usable:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}
