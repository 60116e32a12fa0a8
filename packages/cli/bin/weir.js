#!/usr/bin/env node
// The `weir` executable that npm links into node_modules/.bin. It is a committed file, not build output, so that it
// exists (and npm marks it executable) when npm links it at install time, before `tsc -b` has built dist/.
import process from 'node:process';

try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    process.stderr.write('weir: @weir/cli is not built: run `npm run build` (tsc -b) in the weir repository\n');
    process.exit(1);
  }
  throw error;
}
