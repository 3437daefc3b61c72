// The process entry of the command line: bin/vpcheck.js runs this, bundled (dist/) or as TypeScript.
import { quietOnClosedStdout } from './io.ts';
import { main } from './main.ts';

quietOnClosedStdout();
process.exitCode = await main(process.argv.slice(2));
