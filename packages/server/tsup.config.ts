import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// Node only: the session uses node:crypto through @rtmp/handshake, RtmpServer node:net and node:tls.
export default defineConfig(packageBuild({ platform: 'node' }));
