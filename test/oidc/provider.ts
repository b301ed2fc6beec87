/**
 * Starts the OpenID Provider of test/oidc/openid-provider-process.mjs (node-oidc-provider) as its own process on a
 * free port and waits until it listens; stop() ends it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../helpers/environment';

export interface ProviderPerson {
  name: string;
  username?: string;
  email?: string;
  emailVerified?: boolean;
  roles?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export async function startTestProvider(people: Record<string, ProviderPerson>, redirectUris: string[]): Promise<TestProvider> {
  const port = await freePort();
  const client = { id: 'policy-followup', secret: 'the-client-secret-of-policy-followup', redirectUris };
  const child = spawn(process.execPath, [path.join(__dirname, 'openid-provider-process.mjs'), JSON.stringify({ port, people, client })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The OpenID Provider did not start in 20 s: ${errors}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`The OpenID Provider exited (${code}): ${errors}`)));
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    clientId: client.id,
    clientSecret: client.secret,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
