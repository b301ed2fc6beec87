/**
 * The report tests validate the PDF with veraPDF (PDF/UA-1 and PDF/A-2a). veraPDF comes from Maven
 * Central: this builds the small validator in test/verapdf once, into the git-ignored .tools/verapdf,
 * with the machine's Maven and JDK. Without them the validation test says so and is skipped; the
 * other checks of the PDF still run. Called by `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const VERAPDF_DIR = path.join(ROOT, '.tools/verapdf');
export const VERAPDF_CLASSPATH = `${path.join(VERAPDF_DIR, '*')}:${path.join(VERAPDF_DIR, 'lib/*')}`;
const JAR = path.join(VERAPDF_DIR, 'verapdf-validate-1.0.jar');

const has = (command: string) => {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export function ensureVeraPdf(): boolean {
  if (existsSync(JAR) && existsSync(path.join(VERAPDF_DIR, 'lib'))) return true;
  if (!has('mvn') || !has('java')) {
    console.error('veraPDF is not built: Maven and a JDK are needed (Debian: "apt-get install maven default-jdk-headless"). The PDF validation test is skipped.');
    return false;
  }
  console.log('Building the veraPDF validator from Maven Central (once) …');
  try {
    execFileSync('mvn', ['-q', '-B', '-f', path.join(ROOT, 'test/verapdf/pom.xml'), 'package'], { stdio: 'inherit' });
  } catch (err) {
    // Maven Central out of reach: the other checks of the PDF still run; say why this one does not.
    console.error(`Could not build the veraPDF validator (${(err as Error).message.split('\n')[0]}); the PDF validation test is skipped.`);
    return false;
  }
  return existsSync(JAR);
}

if (require.main === module) ensureVeraPdf();
