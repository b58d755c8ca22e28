import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// node:crypto (HMAC-SHA256, random bytes) is the only platform API used.
export default defineConfig(packageBuild({ platform: 'node' }));
