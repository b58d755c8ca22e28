/**
 * A Redis stream registry for `@rtmp/server`: the servers of a deployment on several machines share
 * which node publishes each stream, so a player on any node gets any stream (through one relay
 * pull per node) and a name is published on one node at a time.
 * @packageDocumentation
 */
export {
  REDIS_REGISTRY_DEFAULTS,
  RedisStreamRegistry,
  type RedisStreamRegistryOptions,
} from './redis-stream-registry';
