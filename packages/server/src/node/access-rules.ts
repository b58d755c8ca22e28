import { BlockList, isIP } from 'node:net';
import { RtmpServerError } from '../errors';

/** What an access rule decides. */
export type AccessAction = 'publish' | 'play';

interface AccessRule {
  readonly allow: boolean;
  readonly action: AccessAction;
  /** `undefined` for `all`. */
  readonly addresses: { readonly family: Family; readonly list: BlockList } | undefined;
}

type Family = 'ipv4' | 'ipv6';
/** An IPv4 peer as a dual-stack socket reports it. */
const IPV4_MAPPED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/**
 * Parsed access rules in nginx-rtmp's syntax, e.g. `allow publish 127.0.0.1`,
 * `deny play 10.0.0.0/8`, `deny publish all`. Checked in order; the first rule that matches the
 * action and the address decides; when none does, the request is allowed (end with
 * `deny <action> all` to allow only what is listed). IPv4 rules match IPv4 peers, including the
 * IPv4-mapped form `::ffff:a.b.c.d` that dual-stack sockets report; IPv6 rules match IPv6 peers.
 */
export class AccessRules {
  readonly #rules: readonly AccessRule[];

  /** @throws {@link RtmpServerError} `SERVER_INVALID_OPTION` for a rule it cannot read. */
  constructor(rules: readonly string[]) {
    this.#rules = rules.map(parseRule);
  }

  /** Whether `address` (as `socket.remoteAddress` gives it) may do `action`. */
  allows(action: AccessAction, address: string): boolean {
    const peer = IPV4_MAPPED.exec(address)?.[1] ?? address;
    const version = isIP(peer);
    const family = version === 6 ? 'ipv6' : 'ipv4';
    for (const { allow, action: ruleAction, addresses } of this.#rules) {
      if (ruleAction !== action) continue;
      if (addresses === undefined) return allow;
      if (version !== 0 && addresses.family === family && addresses.list.check(peer, family)) return allow;
    }
    return true;
  }
}

function parseRule(text: string): AccessRule {
  const invalid = (why: string) =>
    new RtmpServerError('SERVER_INVALID_OPTION', `access rule "${text}": ${why}`);
  const [verdict, action, target, ...rest] = text.trim().split(/\s+/);
  if (verdict !== 'allow' && verdict !== 'deny') throw invalid('must start with allow or deny');
  if (action !== 'publish' && action !== 'play') throw invalid('the action must be publish or play');
  if (target === undefined || rest.length > 0) throw invalid('expected one address, CIDR or "all"');
  const rule: Omit<AccessRule, 'addresses'> = { allow: verdict === 'allow', action };
  if (target === 'all') return { ...rule, addresses: undefined };
  const [written = '', prefixText] = target.split('/');
  const writtenVersion = isIP(written);
  if (writtenVersion === 0) throw invalid(`"${written}" is not an IP address`);
  const bits = writtenVersion === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? '0') || prefix > bits)
    throw invalid(`"/${prefixText}" is not a prefix length for IPv${writtenVersion}`);
  // A rule written in the mapped form is an IPv4 rule, as the peers it names are matched as IPv4.
  const mapped = IPV4_MAPPED.exec(written)?.[1];
  const [address, family, length] =
    mapped !== undefined && prefix >= 96
      ? [mapped, 'ipv4' as const, prefix - 96]
      : [written, writtenVersion === 6 ? ('ipv6' as const) : ('ipv4' as const), prefix];
  const list = new BlockList();
  list.addSubnet(address, length, family);
  return { ...rule, addresses: { family, list } };
}
