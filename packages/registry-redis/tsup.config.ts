import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// Node only: ioredis speaks to Redis over node:net.
export default defineConfig(packageBuild({ platform: 'node' }));
