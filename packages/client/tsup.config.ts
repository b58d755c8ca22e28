import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// The session is platform-neutral; the adapter in src/node uses node:net and node:tls.
export default defineConfig(packageBuild({ platform: 'node' }));
