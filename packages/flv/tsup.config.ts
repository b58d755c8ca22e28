import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// The reader and writer are platform-neutral; src/node reads and writes files and streams.
export default defineConfig(packageBuild({ platform: 'node' }));
