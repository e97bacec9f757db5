/**
 * The environment variables that configure the limits (docs/limits.md), as a compose file or a
 * manifest sets them. A file of its own, importing nothing, so the CLI can name them without
 * loading the system.
 */
export const LIMITS_ENV = {
  /** `off` turns every limit off (a lab that floods on purpose); default on */
  all: 'INTERPLAY_LIMITS',
  /** failed logins per account and per address, `N/window`; default 5/1m */
  login: 'INTERPLAY_LIMIT_LOGIN',
  /** the longest login block; default 15m */
  loginMaxBlock: 'INTERPLAY_LIMIT_LOGIN_MAX_BLOCK',
  /** registrations per client address; default 3000/1m */
  registerPerAddress: 'INTERPLAY_LIMIT_REGISTER_PER_ADDRESS',
  /** orders per client address; default 20000/10s */
  ordersPerAddress: 'INTERPLAY_LIMIT_ORDERS_PER_ADDRESS',
  /** orders per user; default 1000/10s */
  ordersPerUser: 'INTERPLAY_LIMIT_ORDERS_PER_USER',
  /** proxies whose X-Forwarded-For is believed, comma-separated; services default loopback,uniquelocal, the gateway none */
  trustProxy: 'INTERPLAY_TRUST_PROXY',
} as const;
