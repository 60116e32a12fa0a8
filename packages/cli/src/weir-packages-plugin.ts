/**
 * The esbuild plugin that decides where a job's `@weir/*` imports come from. A job that has weir installed next to
 * it (its directory or a parent has `node_modules/@weir/...`) keeps the bare import and gets its own copy, as Node
 * would resolve it. A job anywhere else (a script in `/tmp`) gets the CLI's own copy: the import is rewritten to the
 * `file:` URL that the CLI itself loaded, so the job and the CLI share one instance of `@weir/core`.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';

/** Creates the plugin; see the module documentation. */
export function weirPackagesPlugin(): Plugin {
  return {
    name: 'weir-packages',
    setup(build) {
      build.onResolve({ filter: /^@weir\/[^/]+/ }, (args) => {
        const packageName = args.path.split('/').slice(0, 2).join('/');
        if (isInstalledFrom(args.resolveDir, packageName)) return undefined; // esbuild keeps it external (packages: 'external')
        const url = resolveFromCli(args.path);
        if (url === undefined) {
          return { errors: [{ text: `Cannot find package "${args.path}": it is installed neither for the job nor with the weir CLI` }] };
        }
        return { path: url, external: true };
      });
    },
  };
}

/** Whether Node would find `packageName` in a `node_modules` folder of `directory` or one of its parents. */
function isInstalledFrom(directory: string, packageName: string): boolean {
  for (let dir = directory; ; dir = dirname(dir)) {
    if (statSync(join(dir, 'node_modules', packageName), { throwIfNoEntry: false })?.isDirectory() === true) return true;
    if (dirname(dir) === dir) return false;
  }
}

/** The `file:` URL of `specifier` as the CLI resolves it, or undefined when the CLI cannot resolve it either. */
function resolveFromCli(specifier: string): string | undefined {
  try {
    return import.meta.resolve(specifier);
  } catch {
    // import.meta.resolve is missing where the CLI's source is transformed (a test runner): fall back to require's resolution.
    try {
      return pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href;
    } catch {
      return undefined;
    }
  }
}
