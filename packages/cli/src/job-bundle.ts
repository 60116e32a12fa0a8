/**
 * Bundles a job program into one ES module that Node can import, whatever the job is written in (TypeScript or
 * JavaScript) and wherever it lives (a folder whose `package.json` is not `"type": "module"`, or that has none).
 *
 * esbuild compiles the job and its relative imports into a hidden `.weir-<name>-<random>.mjs` file next to the job, so
 * that the packages it imports (left external) resolve from the job's directory as they would for `node job.js`.
 * The bundle is removed when the program starts to run (its first statement deletes it), when loading fails, and
 * at the latest when the process exits. Inside the bundle, `import.meta.url`, `import.meta.filename` and
 * `import.meta.dirname` are those of the job file, so the usual "am I the main module" test and paths relative to the
 * job keep working.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildFailure, Message } from 'esbuild';
import { CliError, CliErrorCodes } from './errors.js';
import { weirPackagesPlugin } from './weir-packages-plugin.js';

/** A job program bundled into a temporary module file. */
export interface JobBundle {
  /** The absolute path of the bundle (next to the job file). */
  readonly path: string;
  /** The `file:` URL to import the bundle from. */
  readonly url: string;
  /** Deletes the bundle if it still exists and says whether it did; safe to call more than once. */
  remove(): boolean;
}

/** The statement that starts every bundle: it deletes the bundle's own file once Node has loaded it. */
const SELF_REMOVAL_BANNER =
  'import { rmSync as __weirRemoveBundle } from "node:fs"; try { __weirRemoveBundle(new URL(import.meta.url)); } catch {}';

/**
 * Bundles the job at the absolute path `jobFile` into a temporary module next to it. Rejects with a `CliError`
 * `WEIR_CLI_JOB_LOAD_FAILED` naming the file and line when the job does not compile or an import cannot be resolved.
 */
export async function bundleJob(jobFile: string): Promise<JobBundle> {
  const realJobFile = realpathSync(jobFile);
  const directory = dirname(realJobFile);
  const path = join(directory, `.weir-${basename(realJobFile, extname(realJobFile))}-${randomBytes(4).toString('hex')}.mjs`);

  let code: string;
  try {
    // Loaded here rather than at startup, which `weir --help` and mistakes in the command line do not need.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [realJobFile],
      outfile: path,
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      keepNames: true,
      logLevel: 'silent',
      absWorkingDir: process.cwd(),
      define: {
        'import.meta.url': JSON.stringify(pathToFileURL(realJobFile).href),
        'import.meta.filename': JSON.stringify(realJobFile),
        'import.meta.dirname': JSON.stringify(directory),
      },
      banner: { js: SELF_REMOVAL_BANNER },
      plugins: [weirPackagesPlugin()],
    });
    code = result.outputFiles[0].text;
  } catch (error) {
    throw new CliError(CliErrorCodes.JOB_LOAD_FAILED, describeBuildFailure(error), { cause: error });
  }

  const remove = (): boolean => {
    process.removeListener('exit', remove);
    const existed = existsSync(path);
    rmSync(path, { force: true });
    return existed;
  };
  process.on('exit', remove);
  try {
    await writeFile(path, code, { flag: 'wx' });
  } catch (error) {
    remove();
    throw new CliError(CliErrorCodes.JOB_LOAD_FAILED, `cannot write the compiled job next to ${jobFile}: ${(error as Error).message}`, { cause: error });
  }
  return { path, url: pathToFileURL(path).href, remove };
}

/** One line for a failed build: the first error with its file, line and column, and how many more there are. */
function describeBuildFailure(error: unknown): string {
  const errors = (error as Partial<BuildFailure>).errors;
  if (!Array.isArray(errors) || errors.length === 0) return `cannot compile the job: ${(error as Error).message}`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return `${describeMessage(errors[0])}${more}`;
}

/** A path esbuild reported (relative to the working directory) as relative when inside it, else absolute. */
function displayPath(file: string): string {
  const absolute = resolve(process.cwd(), file);
  const fromCwd = relative(process.cwd(), absolute);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? absolute : fromCwd;
}

function describeMessage(message: Message): string {
  const location = message.location;
  const where = location === null ? '' : `${displayPath(location.file)}:${location.line}:${location.column + 1}: `;
  return `${where}${message.text}`;
}
