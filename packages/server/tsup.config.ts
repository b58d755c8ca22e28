import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// The session uses node:crypto through @rtmp/handshake; the Node listener will live in src/node.
export default defineConfig(packageBuild({ platform: 'node' }));
