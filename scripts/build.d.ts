// Types of scripts/build.js (plain JavaScript: it runs before anything can compile TypeScript).
import type { BuildOptions } from 'esbuild';

export declare const bundleOptions: BuildOptions & { metafile: true };
